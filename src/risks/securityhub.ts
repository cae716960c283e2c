import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { batchUpdateFindingsWorkflow, readFailedFindings } from '../aws/securityhub.js';
import type { AcceptedRiskRecord, SyncedFinding } from './types.js';

/**
 * With SECURITYHUB_SYNC, an accepted risk sets its Security Hub findings to SUPPRESSED (with a note), and back to
 * NEW when it expires or is revoked. BatchUpdateFindings takes at most 100 findings a call;
 * `batchUpdateFindingsWorkflow` chunks. Each finding is updated through its own account and region.
 */

/** Security Hub clients per account and region (the audit's role assumed, or the default chain). */
export type SecurityHubAccess = (accountId: string, region: string) => { securityHub: SecurityHubClient };

export interface SyncOutcome {
  findings: SyncedFinding[];
  /** Findings Security Hub did not update (not found, access denied, …). */
  unprocessed: number;
  /** Read or update problems, one line each. */
  problems: string[];
}

const NOTE_MAX = 512;
const UPDATED_BY = 'sagemaker-audit';

function note(text: string): { text: string; updatedBy: string } {
  return { text: text.length > NOTE_MAX ? `${text.slice(0, NOTE_MAX - 1)}…` : text, updatedBy: UPDATED_BY };
}

/**
 * Suppresses the ACTIVE FAILED (NEW/NOTIFIED) findings the risk covers: the resource's finding for that control,
 * or, for control-in-account, that control's findings in every region given.
 */
export async function suppressFindingsForRisk(access: SecurityHubAccess, risk: AcceptedRiskRecord, regions: readonly string[]): Promise<SyncOutcome> {
  const where = risk.scope === 'resource' ? [risk.region] : [...new Set([risk.region, ...regions])];
  const out: SyncOutcome = { findings: [], unprocessed: 0, problems: [] };
  for (const region of where) {
    const client = access(risk.accountId, region).securityHub;
    const read = await readFailedFindings(client, { accountId: risk.accountId, region, controlIds: [risk.controlId] });
    if (read.error) out.problems.push(`${risk.accountId}/${region}: ${read.error.operation} ${read.error.code}`);
    if (!read.enabled) continue;
    const covered = read.findings.filter((f) => risk.scope !== 'resource' || f.resourceId.toLowerCase() === risk.resourceArn.toLowerCase());
    if (covered.length === 0) continue;
    const result = await batchUpdateFindingsWorkflow(
      client,
      covered.map((f) => ({ id: f.id, productArn: f.productArn })),
      'SUPPRESSED',
      note(`Accepted risk ${risk.id} by ${risk.acceptedBy} until ${risk.expiresAt.slice(0, 10)}: ${risk.reason}`),
    );
    const failed = new Set(result.unprocessed.map((u) => u.id));
    out.unprocessed += result.unprocessed.length;
    for (const u of result.unprocessed.slice(0, 3)) out.problems.push(`${risk.accountId}/${region}: BatchUpdateFindings ${u.errorCode}`);
    for (const f of covered) if (!failed.has(f.id)) out.findings.push({ id: f.id, productArn: f.productArn, accountId: risk.accountId, region });
  }
  return out;
}

/** Sets the findings a risk suppressed back to NEW (after expiry or revocation). */
export async function restoreFindingsForRisk(access: SecurityHubAccess, risk: AcceptedRiskRecord): Promise<SyncOutcome> {
  const out: SyncOutcome = { findings: [], unprocessed: 0, problems: [] };
  const groups = new Map<string, SyncedFinding[]>();
  for (const f of risk.securityHub?.findings ?? []) {
    const k = `${f.accountId}|${f.region}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const why = risk.status === 'revoked' ? `revoked by ${risk.endedBy ?? 'someone'}` : `expired ${risk.expiresAt.slice(0, 10)}`;
  for (const findings of groups.values()) {
    const { accountId, region } = findings[0]!;
    const result = await batchUpdateFindingsWorkflow(
      access(accountId, region).securityHub,
      findings.map((f) => ({ id: f.id, productArn: f.productArn })),
      'NEW',
      note(`Accepted risk ${risk.id} ${why}; the finding counts again.`),
    );
    const failed = new Set(result.unprocessed.map((u) => u.id));
    out.unprocessed += result.unprocessed.length;
    for (const u of result.unprocessed.slice(0, 3)) out.problems.push(`${accountId}/${region}: BatchUpdateFindings ${u.errorCode}`);
    for (const f of findings) if (!failed.has(f.id)) out.findings.push(f);
  }
  return out;
}
