import { pathToFileURL } from 'node:url';
import type { WebClient } from '@slack/web-api';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AuditReport, AuditScope } from '../src/audit/report.js';
import type { Services } from '../src/app.js';
import type { Config } from '../src/config.js';
import { CONTROL_IDS } from '../src/controls/index.js';
import type { AuditJobData } from '../src/queue/jobs.js';
import { QUEUE_NAMES } from '../src/queue/names.js';
import { RiskStore, withAcceptedRisks } from '../src/risks/index.js';
import type { Producers } from '../src/queue/producers.js';
import type { ProposalStore } from '../src/remediation/proposals.js';
import type { AuditTrail } from '../src/remediation/trail.js';
import type { ThreadLimits } from '../src/slack/blocks/audit.js';
import type { Pacer } from '../src/slack/pacer.js';
import { defaultClientFactory } from '../src/aws/clients.js';
import { processAudit } from './audit.js';
import { startDigestWorker } from './digest.js';
import { createRemediationWorker, sagemakerClients } from './remediation.js';

/**
 * Registers one BullMQ worker per queue. Processors are plain async functions (workers/<queue>.ts); this file only
 * wires them to queues. Run it directly (`npm run start:workers`) for a workers-only process.
 */
export interface WorkerDeps {
  /** Blocking connection for the workers (`maxRetriesPerRequest: null`); BullMQ duplicates it as needed. */
  connection: Redis;
  slack: WebClient;
  proposals: ProposalStore;
  trail: AuditTrail;
  producers: Producers;
  logger: Logger;
  runAudit: (request: AuditScope) => Promise<AuditReport>;
  totalControls: number;
  pacer?: Pacer;
  limits?: ThreadLimits;
  /** Audits run at once in this process. */
  auditConcurrency?: number;
  /** First poll delay of remediation waits (default 15 s, right for AWS; tests and the demo shrink it). */
  remediationPollIntervalMs?: number;
}

/** The worker side of `createServices` (worker connection and stores, shared producers and Slack client), for `startWorkers`. */
export function workerDepsFrom(services: Services, logger: Logger): WorkerDeps {
  return {
    connection: services.workerRedis,
    slack: services.slack,
    proposals: services.worker.proposals,
    trail: services.worker.trail,
    producers: services.producers,
    logger,
    runAudit: services.runAudit,
    totalControls: CONTROL_IDS.length,
  };
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

export async function startWorkers(config: Config, deps: WorkerDeps): Promise<RunningWorkers> {
  const { connection, logger } = deps;
  const prefix = config.app.queuePrefix;

  // Accepted risks in force turn FAILED results into SUPPRESSED (visible, out of the failure counts).
  const auditWithRisks = withAcceptedRisks(deps.runAudit, new RiskStore(connection, prefix));
  const workers: Worker[] = [
    new Worker<AuditJobData>(
      QUEUE_NAMES.audit,
      (job) => processAudit(job.data, { ...deps, runAudit: auditWithRisks, config, logger: logger.child({ queue: 'audit', jobId: job.id }) }),
      { connection, prefix, concurrency: deps.auditConcurrency ?? 2 },
    ),
    createRemediationWorker({ config, slack: deps.slack, proposals: deps.proposals, trail: deps.trail, redis: connection, connection, sagemakerFor: sagemakerClients(config, defaultClientFactory({ maxAttempts: config.maxAttempts })), logger: logger.child({ queue: 'remediation' }), ...(deps.remediationPollIntervalMs !== undefined ? { pollIntervalMs: deps.remediationPollIntervalMs } : {}) }) as unknown as Worker,
  ];
  // Digest, accepted-risk expiry and Security Hub sync (workers/digest.ts); upserts the daily digest scheduler.
  const digest = await startDigestWorker(config, { connection, slack: deps.slack, trail: deps.trail, runAudit: deps.runAudit, logger: logger.child({ queue: 'digest' }) });
  workers.push(digest.worker);

  for (const w of workers) {
    w.on('error', (err) => logger.error({ err, queue: w.name }, 'worker error'));
    w.on('failed', (job, err) => logger.warn({ err, queue: w.name, jobId: job?.id }, 'job failed'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  // An approval whose job was never queued (crash between the decision and the enqueue) is queued now.
  const requeued = await deps.producers.requeueApproved(deps.proposals, { dryRun: config.app.remediation.mode === 'dry-run' });
  if (requeued > 0) logger.warn({ requeued }, 'queued remediation jobs for approvals left behind');

  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await digest.close();
    },
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const { runEntryPoint } = await import('../src/main.js');
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runEntryPoint(process.env, { web: false, workers: true });
}
