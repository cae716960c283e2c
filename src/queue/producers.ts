import { defaultRepeatStrategy, Queue, type JobsOptions } from 'bullmq';
import type { AppConfig } from '../config.js';
import type { ProposalStore } from '../remediation/proposals.js';
import type { RiskSyncRequest } from '../risks/jobs.js';
import type { RedisClient } from '../util/redis-client.js';
import { createHash } from 'node:crypto';
import { jobIds, type AuditJobData, type DigestJobData, type RemediationJobData, type ResourceEventJobData, type RiskJobData, type ShowNextJobData } from './jobs.js';
import { JOB_NAMES, QUEUE_NAMES, SCHEDULER_IDS } from './names.js';

/**
 * Producers: the web side adds jobs here and nothing else. Job ids derive from what the job does, so a replayed
 * command or fifty clicks on one Approve button queue one job.
 */

const AUDIT_JOB: JobsOptions = {
  // An audit posts to Slack as it goes; a blind retry would post twice. The status message says why it failed.
  attempts: 1,
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
};

const REMEDIATION_JOB: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 30_000 },
  // Kept a week: while the job exists, its id still deduplicates late clicks and the startup re-enqueue.
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

const DIGEST_JOB: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 100 },
  removeOnFail: { age: 30 * 24 * 3600, count: 100 },
};

const RISK_JOB: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 1000 },
};

const EVENT_JOB: JobsOptions = {
  // A targeted audit only reads and posts what is new (an open proposal is reused), so a retry is safe.
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

export interface Producers {
  audit: Queue<AuditJobData | ShowNextJobData>;
  remediation: Queue<RemediationJobData>;
  digest: Queue<DigestJobData>;
  risks: Queue<RiskJobData>;
  events: Queue<ResourceEventJobData>;
  /** Adds the audit job (id from the audit id); returns false when a job with that id already existed. */
  enqueueAudit(data: AuditJobData): Promise<boolean>;
  /** Adds a "Show next" job (id from the audit and page: a second click on one button queues nothing). */
  enqueueShowNext(data: ShowNextJobData): Promise<boolean>;
  /** Adds the remediation job (id from the proposal id); returns false when it already existed. */
  enqueueRemediation(data: RemediationJobData): Promise<boolean>;
  /** An on-demand digest now. */
  enqueueDigest(data: DigestJobData): Promise<void>;
  enqueueRiskSync(data: RiskSyncRequest): Promise<void>;
  /**
   * Queues a targeted audit of the event's resource after `debounceMs`. Events for a resource whose audit is still
   * waiting are absorbed by it (it reads the resource's state when it runs); one that arrives while it runs queues
   * exactly one more, so the last change is always read. Resolves once the job (or its absorption) is stored.
   */
  enqueueResourceEvent(data: ResourceEventJobData, debounceMs: number): Promise<void>;
  /**
   * Queues the job of every approved proposal whose job is missing (a crash between the decision and the enqueue),
   * and clears the index. Returns how many it queued.
   */
  requeueApproved(store: ProposalStore, options: { dryRun: boolean }): Promise<number>;
  /**
   * Upserts the daily digest scheduler (idempotent per id, safe on every start) when a digest channel is set,
   * removes it when not, and upserts the hourly risk-expiry scheduler. Returns whether the digest is scheduled.
   */
  ensureSchedules(config: Pick<AppConfig, 'digest'>): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * What is wrong with the digest schedule, one line per variable, checked with the job scheduler's own parser (the
 * one `upsertJobScheduler` runs), so a schedule that passes here is one BullMQ accepts.
 */
export function scheduleProblems(digest: Pick<AppConfig['digest'], 'cron' | 'tz'>): string[] {
  try {
    new Intl.DateTimeFormat('en', { timeZone: digest.tz });
  } catch {
    return ['DIGEST_TZ is not a known IANA time zone (for example UTC or Europe/Berlin)'];
  }
  try {
    defaultRepeatStrategy(Date.now(), { pattern: digest.cron, tz: digest.tz });
  } catch (err) {
    return [`DIGEST_CRON is not a cron pattern (minute hour day-of-month month day-of-week): ${(err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ')}`];
  }
  return [];
}

/** `onError` hears each queue's errors (connection errors included); without a listener BullMQ prints them raw. */
export function createProducers(connection: RedisClient, prefix: string, onError?: (err: unknown, source: string) => void): Producers {
  const audit = new Queue<AuditJobData | ShowNextJobData>(QUEUE_NAMES.audit, { connection, prefix });
  const remediation = new Queue<RemediationJobData>(QUEUE_NAMES.remediation, { connection, prefix });
  const digest = new Queue<DigestJobData>(QUEUE_NAMES.digest, { connection, prefix });
  const risks = new Queue<RiskJobData>(QUEUE_NAMES.risks, { connection, prefix });
  const events = new Queue<ResourceEventJobData>(QUEUE_NAMES.events, { connection, prefix });
  if (onError) for (const queue of [audit, remediation, digest, risks, events] as Queue[]) queue.on('error', (err) => onError(err, `queue:${queue.name}`));

  async function addOnce<T>(queue: Queue<T>, name: string, jobId: string, data: T, opts: JobsOptions): Promise<boolean> {
    if (await queue.getJob(jobId)) return false;
    // Between the check and the add another caller may add the same id: BullMQ ignores the second add.
    await (queue as Queue).add(name, data, { ...opts, jobId });
    return true;
  }

  const producers: Producers = {
    audit,
    remediation,
    digest,
    risks,
    events,
    enqueueAudit: (data) => addOnce(audit, JOB_NAMES.audit, jobIds.audit(data.auditId), data, AUDIT_JOB),
    enqueueShowNext: (data) => addOnce(audit, JOB_NAMES.showNext, jobIds.showNext(data.auditId, data.page), data, AUDIT_JOB),
    enqueueRemediation: (data) => addOnce(remediation, JOB_NAMES.remediate, jobIds.remediation(data.proposalId), data, REMEDIATION_JOB),
    async enqueueDigest(data) {
      await digest.add(JOB_NAMES.digest, data, { ...DIGEST_JOB, attempts: 1 });
    },
    async enqueueRiskSync(data) {
      await risks.add(JOB_NAMES.riskSync, data, RISK_JOB);
    },
    async enqueueResourceEvent(data, debounceMs) {
      // One deduplication id per resource (hashed: ARNs hold ':' and '/'). replace: a debounce, the latest change
      // (its cause) waits out the delay again; keepLastIfActive: never two audits of one resource at once, and a
      // change during an audit is read by the one after it.
      const id = `resource-${createHash('sha256').update(`${data.ref.accountId}|${data.ref.region}|${data.ref.arn}`.toLowerCase()).digest('hex').slice(0, 32)}`;
      await (events as Queue).add(JOB_NAMES.resourceEvent, data, { ...EVENT_JOB, delay: debounceMs, deduplication: { id, replace: true, keepLastIfActive: true } });
    },
    async requeueApproved(store, { dryRun }) {
      let queued = 0;
      for (const id of await store.approvedNotQueued()) {
        const found = await store.get(id);
        if (found && found.state.status === 'approved' && !(await remediation.getJob(jobIds.remediation(id)))) {
          const added = await producers.enqueueRemediation({
            proposalId: id,
            approvedBy: found.state.decidedBy ?? 'unknown',
            approvedAt: found.state.decidedAt ?? found.state.updatedAt,
            dryRun,
          });
          if (added) queued += 1;
        }
        await store.markQueued(id);
      }
      return queued;
    },
    async ensureSchedules(config) {
      await risks.upsertJobScheduler(SCHEDULER_IDS.riskExpiry, { pattern: '0 * * * *', tz: 'UTC' }, { name: JOB_NAMES.riskExpiry, data: {}, opts: RISK_JOB });
      if (!config.digest.channel) {
        await digest.removeJobScheduler(SCHEDULER_IDS.digest);
        return false;
      }
      await digest.upsertJobScheduler(SCHEDULER_IDS.digest, { pattern: config.digest.cron, tz: config.digest.tz }, { name: JOB_NAMES.digest, data: {}, opts: DIGEST_JOB });
      return true;
    },
    async close() {
      await Promise.all([audit.close(), remediation.close(), digest.close(), risks.close(), events.close()]);
    },
  };
  return producers;
}
