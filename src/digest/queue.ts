import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config.js';
import type { DigestJobData } from '../queue/jobs.js';
import { QUEUE_NAMES } from '../queue/names.js';

/**
 * The digest queue carries three kinds of job, told apart by name:
 * - `digest`: post a digest (scheduled: data `{}`; on demand: `requestedBy` + `channelId`);
 * - `risk-expiry`: end accepted risks whose date has passed (hourly), so they come back without waiting for a digest;
 * - `risk-sync`: set an accepted risk's Security Hub findings to SUPPRESSED or back to NEW (listeners never call AWS).
 */
export const DIGEST_JOB = 'digest';
export const RISK_EXPIRY_JOB = 'risk-expiry';
export const RISK_SYNC_JOB = 'risk-sync';
export const DIGEST_SCHEDULER_ID = 'daily-digest';
export const RISK_EXPIRY_SCHEDULER_ID = 'risk-expiry';

export interface RiskSyncJobData {
  riskId: string;
  action: 'suppress' | 'restore';
}

export type DigestQueueData = DigestJobData | RiskSyncJobData | Record<string, never>;

const DIGEST_OPTS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 100 },
  removeOnFail: { age: 30 * 24 * 3600, count: 100 },
};
const SYNC_OPTS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 1000 },
};

export interface DigestProducer {
  queue: Queue<DigestQueueData>;
  /** An on-demand digest now. */
  enqueueDigest(data: DigestJobData): Promise<void>;
  enqueueRiskSync(data: RiskSyncJobData): Promise<void>;
  /**
   * Upserts the daily digest scheduler (idempotent per id, safe on every boot) when a digest channel is set,
   * removes it when not, and upserts the hourly risk-expiry scheduler. Returns whether the digest is scheduled.
   */
  ensureSchedules(config: Pick<AppConfig, 'digest'>): Promise<boolean>;
  close(): Promise<void>;
}

export function createDigestProducer(connection: Redis, prefix: string): DigestProducer {
  const queue = new Queue<DigestQueueData>(QUEUE_NAMES.digest, { connection, prefix });
  return {
    queue,
    async enqueueDigest(data) {
      await queue.add(DIGEST_JOB, data, { ...DIGEST_OPTS, attempts: 1 });
    },
    async enqueueRiskSync(data) {
      await queue.add(RISK_SYNC_JOB, data, SYNC_OPTS);
    },
    async ensureSchedules(config) {
      await queue.upsertJobScheduler(RISK_EXPIRY_SCHEDULER_ID, { pattern: '0 * * * *', tz: 'UTC' }, { name: RISK_EXPIRY_JOB, data: {}, opts: SYNC_OPTS });
      if (!config.digest.channel) {
        await queue.removeJobScheduler(DIGEST_SCHEDULER_ID);
        return false;
      }
      await queue.upsertJobScheduler(
        DIGEST_SCHEDULER_ID,
        { pattern: config.digest.cron, tz: config.digest.tz },
        { name: DIGEST_JOB, data: {}, opts: DIGEST_OPTS },
      );
      return true;
    },
    async close() {
      await queue.close();
    },
  };
}

/** The scheduled time of a scheduler job (its id is `repeat:<schedulerId>:<millis>`), or undefined for on-demand jobs. */
export function schedulerTick(job: { id?: string | undefined; repeatJobKey?: string | undefined; opts?: { prevMillis?: number } }): string | undefined {
  const m = /^repeat:[^:]+:(\d+)$/.exec(job.id ?? '');
  if (m) return m[1];
  if (job.repeatJobKey && job.opts?.prevMillis !== undefined) return String(job.opts.prevMillis);
  return undefined;
}
