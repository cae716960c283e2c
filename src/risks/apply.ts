import type { AuditReport, AuditResult, AuditScope, StatusCounts } from '../audit/report.js';
import type { RiskStore } from './store.js';
import type { AcceptedRiskRecord } from './types.js';
import { toAcceptedRisk } from './types.js';

const lower = (s: string) => s.toLowerCase();

/** True while the risk is active and `now` is before its expiry. */
export function isInForce(risk: AcceptedRiskRecord, now: Date): boolean {
  return risk.status === 'active' && Date.parse(risk.expiresAt) > now.getTime();
}

/** Whether a risk covers a result: same control and account; same region and resource for resource scope. */
export function riskCovers(risk: AcceptedRiskRecord, r: Pick<AuditResult, 'controlId' | 'accountId' | 'region' | 'resourceArn'>): boolean {
  if (lower(risk.controlId) !== lower(r.controlId) || risk.accountId !== r.accountId) return false;
  if (risk.scope === 'control-in-account') return true;
  return lower(risk.region) === lower(r.region) && lower(risk.resourceArn) === lower(r.resourceArn);
}

function move(counts: StatusCounts | undefined): void {
  if (!counts) return;
  counts.FAILED = Math.max(0, (counts.FAILED ?? 0) - 1);
  counts.SUPPRESSED = (counts.SUPPRESSED ?? 0) + 1;
}

/**
 * The risk in force at `now` that covers a result, if any: a resource-scoped risk wins over a control-in-account one
 * when both cover it.
 */
export function acceptedRiskLookup(risks: readonly AcceptedRiskRecord[], now: Date): (r: Pick<AuditResult, 'controlId' | 'accountId' | 'region' | 'resourceArn'>) => AcceptedRiskRecord | undefined {
  const byResource = new Map<string, AcceptedRiskRecord>();
  const byAccount = new Map<string, AcceptedRiskRecord>();
  for (const r of risks) {
    if (!isInForce(r, now)) continue;
    const map = r.scope === 'resource' ? byResource : byAccount;
    const key = r.scope === 'resource' ? lower(`${r.controlId}|${r.accountId}|${r.region}|${r.resourceArn}`) : lower(`${r.controlId}|${r.accountId}`);
    if (!map.has(key)) map.set(key, r);
  }
  return (result) =>
    byResource.get(lower(`${result.controlId}|${result.accountId}|${result.region}|${result.resourceArn}`)) ?? byAccount.get(lower(`${result.controlId}|${result.accountId}`));
}

/** Pure: the results with each FAILED one covered by a risk in force at `now` SUPPRESSED, with `acceptedRisk` set. */
export function suppressAccepted(results: readonly AuditResult[], risks: readonly AcceptedRiskRecord[], now: Date): AuditResult[] {
  const riskFor = acceptedRiskLookup(risks, now);
  return results.map((result) => {
    const risk = result.status === 'FAILED' ? riskFor(result) : undefined;
    return risk ? { ...result, status: 'SUPPRESSED' as const, acceptedRisk: toAcceptedRisk(risk) } : result;
  });
}

/**
 * Pure: returns a copy of the report where each FAILED result covered by a risk in force at `now` is SUPPRESSED,
 * with `acceptedRisk` set. Suppressed results leave the failure counts (summary is adjusted) but stay in `results`.
 */
export function applyAcceptedRisks(report: AuditReport, risks: readonly AcceptedRiskRecord[], now: Date): AuditReport {
  const results = suppressAccepted(report.results, risks, now);
  const summary = structuredClone(report.summary);
  let changed = false;
  results.forEach((result, i) => {
    if (result === report.results[i]) return;
    changed = true;
    move(summary.byStatus);
    move(summary.byControl[result.controlId]);
    move(summary.byAccount[result.accountId]);
    move(summary.byRegion[result.region]);
    if (summary.failedBySeverity[result.severity] !== undefined) {
      summary.failedBySeverity[result.severity] = Math.max(0, summary.failedBySeverity[result.severity] - 1);
    }
  });
  return changed ? { ...report, summary, results } : report;
}

/**
 * Wraps the engine so every report it returns has the accepted risks in force applied (FAILED → SUPPRESSED with
 * `acceptedRisk`). If the risks cannot be read, the report is returned as the engine made it: failing, never hidden.
 */
export function withAcceptedRisks<S extends AuditScope>(
  runAudit: (scope: S) => Promise<AuditReport>,
  store: Pick<RiskStore, 'listActive'>,
  now: () => Date = () => new Date(),
): (scope: S) => Promise<AuditReport> {
  return async (scope) => {
    const report = await runAudit(scope);
    const risks = await store.listActive().catch(() => []);
    return applyAcceptedRisks(report, risks, now());
  };
}
