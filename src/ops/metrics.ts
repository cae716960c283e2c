import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditReport } from '../audit/report.js';
import type { AwsCallObserver } from '../aws/clients.js';
import type { RedisAvailability } from '../queue/availability.js';
import { QUEUE_NAMES } from '../queue/names.js';
import type { Producers } from '../queue/producers.js';

/**
 * The process's Prometheus metrics (prom-client), one registry per process, served at GET /metrics. Labels are
 * bounded sets only (service, operation, outcome, queue, Slack method and error code): never an ARN, an account, a
 * user or a channel, each of which would make one time series per value.
 *
 * Each process counts what it does itself (the web side its Slack calls, the workers their audits, AWS calls and
 * fixes) and Prometheus scrapes each one; `npm start` merges its workers thread into the one endpoint. Queue depths
 * are read from Redis when scraped, so every process reports the same values for them.
 */
export interface Metrics {
  registry: Registry;
  audits: Counter<'outcome'>;
  auditDuration: Histogram<'outcome'>;
  awsRequests: Counter<'service' | 'operation' | 'outcome'>;
  awsRequestDuration: Histogram<'service'>;
  remediationJobs: Counter<'outcome'>;
  remediationSteps: Counter<'operation' | 'outcome'>;
  slackApiCalls: Counter<'method' | 'outcome' | 'error'>;
  digestRuns: Counter<'outcome'>;
}

const P = 'sagemaker_audit_';

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    audits: new Counter({ name: `${P}audits_total`, help: 'Audits run, by outcome: complete, incomplete (some reads failed) or failed.', labelNames: ['outcome'], registers }),
    auditDuration: new Histogram({
      name: `${P}audit_duration_seconds`,
      help: 'How long audits took, by outcome.',
      labelNames: ['outcome'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600],
      registers,
    }),
    awsRequests: new Counter({
      name: `${P}aws_requests_total`,
      help: 'AWS API requests (each retry counts), by service, operation and outcome: ok, throttled or error.',
      labelNames: ['service', 'operation', 'outcome'],
      registers,
    }),
    awsRequestDuration: new Histogram({ name: `${P}aws_request_duration_seconds`, help: 'AWS API request latency, by service.', labelNames: ['service'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers }),
    remediationJobs: new Counter({
      name: `${P}remediation_jobs_total`,
      help: 'Remediation job deliveries, by outcome: succeeded, no-change, dry-run, skipped, failed (for good), retry (handed back to be retried) or rate-limited.',
      labelNames: ['outcome'],
      registers,
    }),
    remediationSteps: new Counter({ name: `${P}remediation_steps_total`, help: 'Remediation steps, by operation and outcome: done, skipped, dry-run, retrying or failed.', labelNames: ['operation', 'outcome'], registers }),
    slackApiCalls: new Counter({
      name: `${P}slack_api_calls_total`,
      help: 'Slack calls (Web API methods, response_url posts, file uploads), by method, outcome (ok, error, rate_limited, http_error, network_error) and Slack error code.',
      labelNames: ['method', 'outcome', 'error'],
      registers,
    }),
    digestRuns: new Counter({ name: `${P}digest_runs_total`, help: 'Digest jobs, by outcome: posted, skipped or failed.', labelNames: ['outcome'], registers }),
  };
}

/** Process metrics (CPU, memory, event loop lag, …) for a process that serves /metrics; collected on scrape. */
export function collectProcessMetrics(metrics: Metrics): void {
  collectDefaultMetrics({ register: metrics.registry });
}

/** The AWS clients' observer (src/aws/clients.ts calls it once per HTTP attempt). */
export function awsCallObserver(metrics: Metrics): AwsCallObserver {
  return ({ service, operation, outcome, seconds }) => {
    metrics.awsRequests.inc({ service, operation, outcome });
    metrics.awsRequestDuration.observe({ service }, seconds);
  };
}

/** `runAudit`, counted and timed. */
export function timedAudits<A extends unknown[]>(metrics: Metrics, run: (...args: A) => Promise<AuditReport>): (...args: A) => Promise<AuditReport> {
  return async (...args) => {
    const end = metrics.auditDuration.startTimer();
    try {
      const report = await run(...args);
      const outcome = report.errors.length > 0 ? 'incomplete' : 'complete';
      metrics.audits.inc({ outcome });
      end({ outcome });
      return report;
    } catch (err) {
      metrics.audits.inc({ outcome: 'failed' });
      end({ outcome: 'failed' });
      throw err;
    }
  };
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Queue depth per queue and state, the age of the oldest waiting job per queue, and whether Redis answers: read when
 * scraped. While Redis is away the queue series are left out (no stale values) and `redis_up` is 0.
 */
export function registerQueueGauges(metrics: Metrics, producers: Producers, redis: RedisAvailability, now: () => Date): void {
  const registers = [metrics.registry];
  const queues = Object.values(QUEUE_NAMES).map((name) => producers[name]);
  new Gauge({
    name: `${P}redis_up`,
    help: '1 when the process reaches Redis, else 0.',
    registers,
    collect() {
      this.set(redis.up() ? 1 : 0);
    },
  });
  new Gauge({
    name: `${P}queue_jobs`,
    help: 'Jobs per queue and state (waiting, active, delayed, failed).',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      if (!redis.up()) return;
      const counts = await Promise.all(queues.map((q) => q.getJobCounts(...JOB_STATES).catch(() => undefined)));
      queues.forEach((q, i) => {
        for (const state of JOB_STATES) if (counts[i]) this.set({ queue: q.name, state }, counts[i][state] ?? 0);
      });
    },
  });
  new Gauge({
    name: `${P}queue_oldest_waiting_seconds`,
    help: 'Age of the oldest job waiting to be picked up, per queue (0 when none waits).',
    labelNames: ['queue'],
    registers,
    async collect() {
      this.reset();
      if (!redis.up()) return;
      const oldest = await Promise.all(queues.map((q) => q.getJobs(['wait'], 0, 0, true).catch(() => undefined)));
      queues.forEach((q, i) => {
        const jobs = oldest[i];
        if (!jobs) return;
        const job = jobs[0];
        this.set({ queue: q.name }, job ? Math.max(0, (now().getTime() - job.timestamp) / 1000) : 0);
      });
    },
  });
}

/** Slack error codes are short snake_case words; anything else is reported as `other` (bounded label values). */
const slackErrorLabel = (error: unknown): string => (typeof error === 'string' && /^[a-z_]{1,40}$/.test(error) ? error : 'other');

/**
 * `fetch` for the Slack WebClient and Bolt (both take it as `clientOptions.fetch`), counting each request by Web API
 * method (or `response_url` / `file_upload`), outcome and Slack error code. It reads a copy of the answer; the
 * caller gets the answer untouched.
 */
export function observedSlackFetch(metrics: Metrics, apiUrl: string, base: typeof fetch = fetch): typeof fetch {
  const api = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = url.startsWith(api) ? (url.slice(api.length).split(/[?#/]/)[0] ?? 'other') : new URL(url).pathname.includes('/upload/') ? 'file_upload' : 'response_url';
    const count = (outcome: string, error = ''): void => {
      metrics.slackApiCalls.inc({ method: /^[A-Za-z0-9._]{1,60}$/.test(method) ? method : 'other', outcome, error });
    };
    let res: Response;
    try {
      res = await base(input, init);
    } catch (err) {
      count('network_error');
      throw err;
    }
    if (res.status === 429) count('rate_limited', 'ratelimited');
    else if (res.status !== 200) count('http_error', String(res.status));
    else if (!url.startsWith(api)) count('ok');
    else {
      const body = (await res
        .clone()
        .json()
        .catch(() => undefined)) as { ok?: boolean; error?: unknown } | undefined;
      if (body?.ok === false) count('error', slackErrorLabel(body.error));
      else count('ok');
    }
    return res;
  };
}
