import type { AuditScope } from '../audit/report.js';

/** Job data is stored in clear text in Redis: ids and names only, never tokens or credentials. */

export interface AuditJobData {
  /** Unique per slash command; also the BullMQ job id, so a replayed command queues once. */
  auditId: string;
  requestedBy: string;
  channelId: string;
  request: AuditScope;
  /** The "audit running…" message, which the worker turns into the summary; its thread holds the details. */
  statusMessageTs: string;
}

export interface RemediationJobData {
  proposalId: string;
  approvedBy: string;
  approvedAt: string;
  dryRun: boolean;
}

export interface DigestJobData {
  /** Who asked for an on-demand digest; absent for the scheduled one. */
  requestedBy?: string;
  channelId?: string;
}

/** Job ids derive from what they do, so duplicates collapse (BullMQ ids: no ':' and not only digits). */
export const jobIds = {
  audit: (auditId: string) => `audit-${auditId}`,
  remediation: (proposalId: string) => `remediate-${proposalId}`,
};
