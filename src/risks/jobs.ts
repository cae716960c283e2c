import type { Logger } from 'pino';
import { restoreFindingsForRisk, suppressFindingsForRisk } from './securityhub.js';
import type { SecurityHubAccess } from './securityhub.js';
import type { RiskStore } from './store.js';
import type { AcceptedRiskRecord } from './types.js';

/**
 * The accepted-risk jobs (plain functions; workers/risks.ts runs them from the `risks` queue): expiry, hourly, so a
 * risk comes back on its own without waiting for a digest; and the Security Hub side of accepting or ending one.
 */

export interface RiskSyncRequest {
  riskId: string;
  action: 'suppress' | 'restore';
}

export interface RiskJobDeps {
  risks: RiskStore;
  /** Present when SECURITYHUB_SYNC is on. */
  securityHub?: SecurityHubAccess | undefined;
  /** Regions a control-in-account risk covers. */
  regions: readonly string[];
  logger?: Logger;
}

/** Ends the risks whose expiry has passed (once, whichever worker gets there) and restores their Security Hub findings. */
export async function expireRisks(deps: RiskJobDeps, now: Date): Promise<AcceptedRiskRecord[]> {
  const expired = await deps.risks.expireDue(now);
  for (const r of expired) {
    deps.logger?.info({ riskId: r.id, controlId: r.controlId, accountId: r.accountId }, 'accepted risk expired');
    if (deps.securityHub && r.securityHub && r.securityHub.findings.length > 0) {
      const out = await restoreFindingsForRisk(deps.securityHub, r);
      if (out.problems.length > 0) deps.logger?.warn({ riskId: r.id, problems: out.problems }, 'some Security Hub findings were not set back to NEW');
    }
  }
  return expired;
}

/** The Security Hub side of accepting (suppress) or ending (restore) a risk. */
export async function syncRisk(data: RiskSyncRequest, deps: RiskJobDeps, now = new Date()): Promise<{ findings: number; unprocessed: number }> {
  if (!deps.securityHub) return { findings: 0, unprocessed: 0 };
  const risk = await deps.risks.get(data.riskId);
  if (!risk) return { findings: 0, unprocessed: 0 };
  if (data.action === 'suppress') {
    if (risk.status !== 'active') return { findings: 0, unprocessed: 0 };
    const out = await suppressFindingsForRisk(deps.securityHub, risk, deps.regions);
    await deps.risks.setSecurityHub(risk.id, { findings: out.findings, syncedAt: now.toISOString(), unprocessed: out.unprocessed });
    // Revoked while we were suppressing: put them back.
    const after = await deps.risks.get(risk.id);
    if (after && after.status !== 'active' && out.findings.length > 0) {
      await restoreFindingsForRisk(deps.securityHub, { ...after, securityHub: { findings: out.findings, syncedAt: now.toISOString(), unprocessed: 0 } });
    }
    if (out.problems.length > 0) deps.logger?.warn({ riskId: risk.id, problems: out.problems }, 'Security Hub sync incomplete');
    return { findings: out.findings.length, unprocessed: out.unprocessed };
  }
  if (risk.status === 'active') return { findings: 0, unprocessed: 0 };
  const out = await restoreFindingsForRisk(deps.securityHub, risk);
  return { findings: out.findings.length, unprocessed: out.unprocessed };
}
