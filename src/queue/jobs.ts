import type { CoveredScope } from '../audit/report.js';
import type { ResourceEvent } from '../aws/events.js';
import type { PersistedExecution, RemediationRequest } from '../remediation/run.js';
import type { RiskSyncRequest } from '../risks/jobs.js';

/** Job data is stored in clear text in Redis: ids and names only, never tokens or credentials. */

export interface AuditJobData {
  /** Unique per slash command; also the BullMQ job id, so a replayed command queues once. */
  auditId: string;
  requestedBy: string;
  channelId: string;
  /** The workspace the command came from (absent in jobs queued by older versions). */
  teamId?: string;
  /** As the command parsed it, the configured defaults filled in. */
  request: CoveredScope;
  /** The "audit running…" message, which the worker turns into the summary; its thread holds the details. */
  statusMessageTs: string;
}

/** "Show next" on an audit thread: the next page of the proposals it kept (src/slack/threads/audit.ts). */
export interface ShowNextJobData {
  auditId: string;
  /** 1-based page of the audit's kept proposals. */
  page: number;
  /** The message with the clicked button (updated once its page is posted). */
  channelId: string;
  messageTs: string;
  clickedBy: string;
}

/** The approval, plus the executor's progress persisted after every step (a re-delivered job resumes). */
export type RemediationJobData = RemediationRequest & { execution?: PersistedExecution };

export interface DigestJobData {
  /** Who asked for an on-demand digest; absent for the scheduled one. */
  requestedBy?: string;
  channelId?: string;
}

export type RiskJobData = RiskSyncRequest | Record<string, never>;

/**
 * A change to one resource, from the hub's event queue: the job audits that resource again. Bursts for one resource
 * coalesce (src/queue/producers.ts), so the data is the first event of a burst; the audit reads the resource's
 * current state whatever the events said.
 */
export type ResourceEventJobData = Omit<Extract<ResourceEvent, { type: 'resource' }>, 'type'> & {
  /** When the app received the event (ISO), for the event-to-proposal latency. */
  receivedAt: string;
};

/** Job ids derive from what they do, so duplicates collapse (BullMQ ids: no ':' and not only digits). */
export const jobIds = {
  audit: (auditId: string) => `audit-${auditId}`,
  showNext: (auditId: string, page: number) => `next-${auditId}-${page}`,
  remediation: (proposalId: string) => `remediate-${proposalId}`,
};

/** The scheduled time of a scheduler job (its id is `repeat:<schedulerId>:<millis>`), or undefined for on-demand jobs. */
export function schedulerTick(job: { id?: string | undefined; repeatJobKey?: string | undefined; opts?: { prevMillis?: number } }): string | undefined {
  const m = /^repeat:[^:]+:(\d+)$/.exec(job.id ?? '');
  if (m) return m[1];
  if (job.repeatJobKey && job.opts?.prevMillis !== undefined) return String(job.opts.prevMillis);
  return undefined;
}
