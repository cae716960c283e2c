import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import { queueRegion, startEventQueueConsumer, type EventQueueConsumer } from '../src/aws/event-queue.js';
import type { Services } from '../src/services.js';
import { QUEUE_NAMES, type QueueName } from '../src/queue/names.js';
import { slackRemediationReporters } from '../src/slack/threads/remediation-reporter.js';
import { SlidingWindowLimiter } from '../src/util/sliding-window.js';
import { auditProcessor } from './audit.js';
import { digestProcessor } from './digest.js';
import { eventsProcessor } from './events.js';
import { remediationProcessor, type RateLimitStrategy } from './remediation.js';
import { risksProcessor } from './risks.js';

/**
 * The workers: one table that wires each queue to its processor (a plain async function, workers/<queue>.ts, over
 * src/) and its BullMQ options, and builds every Worker the same way (one connection, one prefix, one set of log
 * listeners). `startWorkers` also upserts the job schedulers and queues approvals left behind by a crash.
 * `close(graceMs)` stops them within a bound: running remediations hand their jobs back at once (at their next safe
 * point), other jobs get `graceMs` to finish, then the workers close without waiting (those jobs are delivered again
 * once their lock expires).
 */
export interface WorkerOverrides {
  /** Only these queues (tests start one at a time). Default: all. */
  queues?: readonly QueueName[];
  /** Per-queue BullMQ options on top of the table's (tests shorten locks). */
  options?: Partial<Record<QueueName, Partial<WorkerOptions>>>;
  remediationRateLimit?: RateLimitStrategy;
}

interface WorkerRow {
  queue: QueueName;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each row's processor is typed by its own module
  processor: Processor<any, any>;
  options: Partial<WorkerOptions>;
}

function workerTable(services: Services, overrides: WorkerOverrides, remediationWorker: () => Worker | undefined, shutdown: AbortSignal): WorkerRow[] {
  const { config, logger, slack, tuning, metrics } = services;
  const stores = services.worker;
  const securityHub = config.app.securityHubSync ? services.aws.clients : undefined;
  const strategy = overrides.remediationRateLimit ?? 'delay-job';
  return [
    {
      queue: QUEUE_NAMES.audit,
      processor: auditProcessor({
        slack,
        proposals: stores.proposals,
        backlog: stores.backlog,
        trail: stores.trail,
        policy: config.app.approvalPolicy,
        ...(config.app.approvalPolicy.usesTags ? { resourceTags: services.resourceTags } : {}),
        runAudit: services.runAudit,
        onReport: (report, data) => services.homes.worker.afterAudit(report, data.request),
        totalControls: services.listenerDeps().controlIds.length,
        pacer: tuning.pacer,
        limits: tuning.threadLimits,
        logger: logger.child({ queue: QUEUE_NAMES.audit }),
        now: services.now,
      }),
      options: { concurrency: tuning.auditConcurrency },
    },
    {
      queue: QUEUE_NAMES.remediation,
      processor: remediationProcessor(
        {
          controlParameters: config.controlParameters,
          proposals: stores.proposals,
          trail: stores.trail,
          accountRate: new SlidingWindowLimiter(services.redis.worker, `${config.app.queuePrefix}:remediation:rate`, config.app.remediation.accountRatePerSecond),
          sessionFor: services.aws.remediation,
          reporterFor: slackRemediationReporters(slack, config.app.approvalPolicy, logger.child({ queue: QUEUE_NAMES.remediation })),
          timing: tuning.remediationTiming,
          signal: shutdown,
          logger: logger.child({ queue: QUEUE_NAMES.remediation }),
          onStep: (operation, outcome) => metrics.remediationSteps.inc({ operation, outcome }),
        },
        { rateLimit: strategy, worker: remediationWorker, onDelivery: (outcome) => metrics.remediationJobs.inc({ outcome }) },
      ),
      options: {
        concurrency: config.app.remediation.concurrency,
        // Waits poll AWS with the event loop free, so the lock is renewed every lockDuration/2; a dead process's job
        // is picked up again after about lockDuration + stalledInterval.
        lockDuration: 60_000,
        stalledInterval: 30_000,
        // A job that stalls (process killed) more than twice fails instead of looping; its state is in the job data.
        maxStalledCount: 2,
        // 'pause-queue' needs a limiter for worker.rateLimit to take effect (BullMQ checks limiter.max).
        ...(strategy === 'pause-queue' ? { limiter: { max: 1_000_000, duration: 1000 } } : {}),
      },
    },
    {
      queue: QUEUE_NAMES.digest,
      processor: digestProcessor({
        config,
        slack,
        state: stores.digestState,
        risks: stores.risks,
        runAudit: services.runAudit,
        securityHub,
        ...(config.app.approvalPolicy.usesTags ? { resourceTags: services.resourceTags } : {}),
        ...(services.routeResource ? { routeResource: services.routeResource } : {}),
        onDigest: (report, open, chartFileId, day) => services.homes.worker.afterDigest(report, open, chartFileId, day),
        logger: logger.child({ queue: QUEUE_NAMES.digest }),
        now: services.now,
      }, (outcome) => metrics.digestRuns.inc({ outcome })),
      // A digest of a large fleet runs a full audit: give the lock room.
      options: { concurrency: 1, lockDuration: 120_000 },
    },
    {
      queue: QUEUE_NAMES.events,
      processor: eventsProcessor({
        slack,
        proposals: stores.proposals,
        trail: stores.trail,
        risks: stores.risks,
        policy: config.app.approvalPolicy,
        pacer: tuning.pacer,
        ...services.events,
        logger: logger.child({ queue: QUEUE_NAMES.events }),
        now: services.now,
      }),
      // Each job reads one resource: several at once keep a burst of changes moving.
      options: { concurrency: tuning.eventConcurrency },
    },
    {
      queue: QUEUE_NAMES.risks,
      processor: risksProcessor({ risks: stores.risks, securityHub, regions: config.regions, logger: logger.child({ queue: QUEUE_NAMES.risks }) }, services.now),
      options: { concurrency: 1 },
    },
  ];
}

export interface RunningWorkers {
  workers: Worker[];
  /** Resolves when every worker runs (readiness), else rejects naming the ones that do not. */
  running(): Promise<void>;
  /** Stops taking jobs and waits for the running ones, at most `graceMs` (default: as long as they take). */
  close(graceMs?: number): Promise<void>;
}

export async function startWorkers(services: Services, overrides: WorkerOverrides = {}): Promise<RunningWorkers> {
  const { config, logger } = services;
  const holder: { remediation?: Worker } = {};
  const shutdown = new AbortController();
  const rows = workerTable(services, overrides, () => holder.remediation, shutdown.signal).filter((row) => !overrides.queues || overrides.queues.includes(row.queue));
  const workers = rows.map((row) => {
    const worker = new Worker(row.queue, row.processor, {
      connection: services.redis.worker,
      prefix: config.app.queuePrefix,
      ...row.options,
      ...overrides.options?.[row.queue],
    });
    // Connection errors tell of a Redis outage, logged once by the availability watch; others are logged there too.
    worker.on('error', (err) => services.redisAvailability.report(err, `worker:${row.queue}`));
    worker.on('failed', (job, err) => logger.warn({ err: err.message, queue: row.queue, jobId: job?.id }, 'job failed'));
    worker.on('stalled', (jobId) => logger.warn({ queue: row.queue, jobId }, 'job stalled; it will be picked up again'));
    if (row.queue === QUEUE_NAMES.remediation) holder.remediation = worker;
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  if (rows.some((row) => row.queue === QUEUE_NAMES.remediation) && !services.aws.remediation.assumesRole) {
    logger.warn(
      { code: 'NO_REMEDIATION_ROLE' },
      "REMEDIATION_ROLE is not set: approved fixes run with the audit role's credentials (AUDIT_ROLE, or the default chain), and CloudTrail will not name the approver",
    );
  }

  // At start and after every Redis outage (a Redis that came back empty lost its job schedulers): the schedules, and
  // approvals whose job was never queued (a crash between the decision and the enqueue).
  const reconcile = async (when: 'start' | 'reconnect'): Promise<void> => {
    try {
      const scheduled = await services.producers.ensureSchedules(config.app);
      logger.info({ scheduled, when, cron: config.app.digest.cron, tz: config.app.digest.tz }, scheduled ? 'daily digest scheduled' : 'no DIGEST_CHANNEL: daily digest not scheduled');
    } catch (err) {
      logger.error({ err, when }, 'could not upsert the job schedulers');
    }
    const requeued = await services.producers.requeueApproved(services.worker.proposals, { dryRun: config.app.remediation.mode === 'dry-run' });
    if (requeued > 0) logger.warn({ requeued, when }, 'queued remediation jobs for approvals left behind');
  };
  const events = startEventConsumer(services, rows);
  if (!overrides.queues) {
    await reconcile('start');
    services.redisAvailability.onRecovered(() => {
      reconcile('reconnect').catch((err: unknown) => logger.error({ err }, 'could not reconcile after Redis came back'));
    });
  }

  return {
    workers,
    async running() {
      const stopped = workers.filter((w) => !w.isRunning() || w.closing !== undefined).map((w) => w.name);
      if (stopped.length > 0) throw new Error(`workers not running: ${stopped.join(', ')}`);
    },
    async close(graceMs = Infinity) {
      shutdown.abort();
      // No new events in: a message received but not yet queued stays in SQS and is delivered again.
      await events?.stop();
      const closed = Promise.all(workers.map((w) => w.close()));
      let timer: NodeJS.Timeout | undefined;
      const outOfTime = new Promise<'late'>((resolve) => {
        if (Number.isFinite(graceMs)) timer = setTimeout(() => resolve('late'), Math.max(0, graceMs));
      });
      const outcome = await Promise.race([closed, outOfTime]);
      clearTimeout(timer);
      if (outcome === 'late') {
        logger.warn({ graceMs }, 'jobs still running at the end of the shutdown grace: closing without waiting; they run again once their lock expires');
        await Promise.all(workers.map((w) => w.close(true)));
      }
    },
  };
}

/**
 * One consumer of the hub's event queue per worker process (EVENTS_QUEUE_URL, when this process runs the events
 * queue): each message becomes a coalesced targeted-audit job, and is deleted once that job is stored in Redis.
 */
function startEventConsumer(services: Services, rows: readonly WorkerRow[]): EventQueueConsumer | undefined {
  const { config, logger } = services;
  const queueUrl = config.app.events.queueUrl;
  if (!queueUrl || !rows.some((row) => row.queue === QUEUE_NAMES.events)) return undefined;
  const debounceMs = config.app.events.debounceSeconds * 1000;
  logger.info({ queueUrl, debounceSeconds: config.app.events.debounceSeconds }, 'reading change events');
  return startEventQueueConsumer({
    client: services.aws.factory.sqs({ region: queueRegion(queueUrl, config.regions[0] ?? 'us-east-1') }),
    queueUrl,
    handle: ({ type: _type, ...event }) => services.producers.enqueueResourceEvent({ ...event, receivedAt: services.now().toISOString() }, debounceMs),
    canEnqueue: () => services.redisAvailability.up(),
    logger: logger.child({ component: 'event-queue' }),
  });
}
