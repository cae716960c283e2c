import type { WebClient } from '@slack/web-api';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AuditReport, AuditScope } from '../src/audit/report.js';
import type { Config } from '../src/config.js';
import { defaultClientFactory } from '../src/aws/clients.js';
import { createDigestProducer, DIGEST_JOB, RISK_EXPIRY_JOB, RISK_SYNC_JOB, schedulerTick, type DigestQueueData, type RiskSyncJobData } from '../src/digest/queue.js';
import { expireRisks, postDigest, syncRisk, type DigestOutcome } from '../src/digest/run.js';
import { DigestStateStore } from '../src/digest/state.js';
import type { DigestJobData } from '../src/queue/jobs.js';
import { QUEUE_NAMES } from '../src/queue/names.js';
import type { AuditTrail } from '../src/remediation/trail.js';
import { securityHubAccess, type SecurityHubAccess } from '../src/risks/securityhub.js';
import { RiskStore } from '../src/risks/store.js';

/**
 * The digest queue's processor: posts digests (scheduled or on demand), ends expired accepted risks, and syncs
 * accepted risks to Security Hub. Plain async functions; `createDigestWorker` wires them to BullMQ.
 */
export interface DigestWorkerDeps {
  /** Retry-forever connection (stores use it; BullMQ duplicates it for blocking reads). */
  connection: Redis;
  slack: WebClient;
  trail: AuditTrail;
  runAudit: (scope: AuditScope) => Promise<AuditReport>;
  /** Given when SECURITYHUB_SYNC is on. */
  securityHub?: SecurityHubAccess;
  logger: Logger;
  now?: () => Date;
  controlTitles?: Record<string, string>;
  /** Worker id used as the tick owner (default: random per process). */
  workerId?: string;
}

export type DigestJobResult = DigestOutcome | { expired: number } | { findings: number; unprocessed: number };

export function digestProcessor(config: Config, deps: DigestWorkerDeps) {
  const prefix = config.app.queuePrefix;
  const state = new DigestStateStore(deps.connection, prefix);
  const risks = new RiskStore(deps.connection, prefix, deps.trail);
  const owner = deps.workerId ?? `w${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const base = {
    config,
    slack: deps.slack,
    state,
    risks,
    runAudit: deps.runAudit,
    ...(deps.securityHub ? { securityHub: deps.securityHub } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.controlTitles ? { controlTitles: deps.controlTitles } : {}),
  };
  return async (job: Job<DigestQueueData>): Promise<DigestJobResult> => {
    const logger = deps.logger.child({ queue: QUEUE_NAMES.digest, job: job.name, jobId: job.id });
    switch (job.name) {
      case DIGEST_JOB: {
        const tick = schedulerTick(job);
        const out = await postDigest(job.data as DigestJobData, { ...base, logger }, { owner: `${owner}:${job.id ?? ''}`, ...(tick ? { tick } : {}) });
        logger.info({ ...out, tick }, out.posted ? 'digest posted' : `digest skipped: ${out.skipped}`);
        return out;
      }
      case RISK_EXPIRY_JOB: {
        const expired = await expireRisks({ ...base, logger }, (deps.now ?? (() => new Date()))());
        return { expired: expired.length };
      }
      case RISK_SYNC_JOB:
        return syncRisk(job.data as RiskSyncJobData, { ...base, logger });
      default:
        logger.warn('unknown job name on the digest queue');
        return { expired: 0 };
    }
  };
}

export function createDigestWorker(config: Config, deps: DigestWorkerDeps): Worker<DigestQueueData, DigestJobResult> {
  return new Worker<DigestQueueData, DigestJobResult>(QUEUE_NAMES.digest, digestProcessor(config, deps), {
    connection: deps.connection,
    prefix: config.app.queuePrefix,
    concurrency: 1,
    // A digest of a large fleet runs a full audit: give the lock room.
    lockDuration: 120_000,
  });
}

export interface StartedDigest {
  worker: Worker<DigestQueueData, DigestJobResult>;
  /** Whether the daily digest is scheduled (a DIGEST_CHANNEL is set). */
  scheduled: boolean;
  close(): Promise<void>;
}

/**
 * For startWorkers: the digest worker, plus the job schedulers (daily digest, hourly risk expiry) upserted on boot —
 * idempotent, so every worker process may do it. With SECURITYHUB_SYNC, Security Hub clients come from the
 * default client factory (credential chain and AWS_ENDPOINT_URL*) unless `securityHub` is given.
 */
export async function startDigestWorker(config: Config, deps: DigestWorkerDeps): Promise<StartedDigest> {
  let securityHub = deps.securityHub;
  let ownAccess = false;
  if (!securityHub && config.app.securityHubSync) {
    securityHub = securityHubAccess(defaultClientFactory({ maxAttempts: config.maxAttempts }), config.role);
    ownAccess = true;
  }
  const worker = createDigestWorker(config, { ...deps, ...(securityHub ? { securityHub } : {}) });
  const producer = createDigestProducer(deps.connection, config.app.queuePrefix);
  let scheduled = false;
  try {
    scheduled = await producer.ensureSchedules(config.app);
    deps.logger.info({ scheduled, cron: config.app.digest.cron, tz: config.app.digest.tz }, scheduled ? 'daily digest scheduled' : 'no DIGEST_CHANNEL: daily digest not scheduled');
  } catch (err) {
    deps.logger.error({ err }, 'could not upsert the digest schedule (check DIGEST_CRON / DIGEST_TZ)');
  }
  return {
    worker,
    scheduled,
    async close() {
      await worker.close();
      await producer.close();
      if (ownAccess) securityHub?.close();
    },
  };
}
