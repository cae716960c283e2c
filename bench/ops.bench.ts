/**
 * Operations benchmark: what the operator's features cost and how fast an outage is over.
 *
 * 1. AWS call metrics: an audit of N notebooks (SageMaker.3) on the AWS stand-in, with the SDK middleware that
 *    counts every attempt and without it, alternated, 5 runs each (median wall time).
 * 2. GET /metrics: time to render the registry after that work, queue gauges read from Redis (median of 50).
 * 3. The logger: a line with an error object, through the secret-blanking logger and through plain pino (µs/line).
 * 4. A Redis outage: a redis-server of its own killed for 5 s and started again; the log lines written meanwhile,
 *    and the time from the restart to the fail-fast connection answering again (what /readyz reports).
 *
 *   npm run bench:ops [-- --notebooks=N]
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { runAudit } from '../src/audit/engine.js';
import { callObserverPlugin, defaultClientFactory, observedClientFactory } from '../src/aws/clients.js';
import { loadAuditConfig, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { metricsText, redisCheck } from '../src/ops/http.js';
import { awsCallObserver, registerQueueGauges } from '../src/ops/metrics.js';
import { createServices } from '../src/services.js';
import { createNotebooks } from '../test/audit/standin-helpers.js';
import { startAwsStandin } from '../test/support/aws-standin/index.js';
import { startRedisServer } from '../test/support/redis-server.js';

const notebooks = Number(process.argv.find((a) => a.startsWith('--notebooks='))?.split('=')[1] ?? 2000);
const ACCOUNT = '111111111111';
process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY = 'bench-secret';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number): string => `${n.toFixed(1)} ms`;

// ---- 1. AWS call metrics -------------------------------------------------------------------------------------------
const aws = await startAwsStandin({ defaultAccountId: ACCOUNT, transitionDelayMs: 10 });
createNotebooks(aws, ACCOUNT, 'us-east-1', notebooks);
const auditConfig = loadAuditConfig({ AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '3', AUDIT_CONCURRENCY: '8' });
const redis = await startRedisServer();
const services = createServices(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-signing-secret', REDIS_URL: redis.url, QUEUE_PREFIX: 'bench' }), pino({ level: 'silent' }));
await services.ready();
const plain = defaultClientFactory({ maxAttempts: 3, endpoint: aws.url });
const observed = observedClientFactory(plain, awsCallObserver(services.metrics));
const scope = { accounts: [], regions: ['us-east-1'], controls: ['SageMaker.3'], source: 'sagemaker' as const };
const times: Record<'plain' | 'observed', number[]> = { plain: [], observed: [] };
let requests = 0;
for (let i = 0; i < 11; i++) {
  const which = i % 2 === 0 ? 'plain' : 'observed';
  const before = aws.calls.length;
  const started = performance.now();
  await runAudit(scope, { config: auditConfig, clientFactory: which === 'plain' ? plain : observed });
  if (i > 0) times[which].push(performance.now() - started); // the first run warms the SDK up
  requests = aws.calls.length - before;
  aws.resetCounters();
}
const spread = (xs: number[]): string => `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;
console.log(
  `AWS call metrics: audit of ${notebooks} notebooks (${requests} requests): median ${ms(median(times.plain))} without (${spread(times.plain)}), ` +
    `${ms(median(times.observed))} with the middleware (${spread(times.observed)}), 5 runs each`,
);
// The middleware alone, around a handler that answers at once: its own cost per request.
type Handler = (args: unknown) => Promise<unknown>;
let middleware: ((next: Handler, context: Record<string, string>) => Handler) | undefined;
callObserverPlugin(awsCallObserver(services.metrics)).applyToStack({ add: (mw: typeof middleware) => (middleware = mw) } as never);
const wrapped = middleware!(async () => ({ output: {}, response: {} }), { clientName: 'SageMakerClient', commandName: 'ListNotebookInstancesCommand' });
const n = 100_000;
let started = performance.now();
for (let i = 0; i < n; i++) await wrapped({});
const withMw = performance.now() - started;
const bare: Handler = async () => ({ output: {}, response: {} });
started = performance.now();
for (let i = 0; i < n; i++) await bare({});
console.log(`AWS call metrics, the middleware alone: ${(((withMw - (performance.now() - started)) / n) * 1000).toFixed(2)} µs per request (counter + histogram)`);

// ---- 2. GET /metrics -----------------------------------------------------------------------------------------------
registerQueueGauges(services.metrics, services.producers, services.redisAvailability, services.now);
const scrapes: number[] = [];
let size = 0;
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  size = (await metricsText({ registry: services.metrics.registry })).length;
  scrapes.push(performance.now() - started);
}
console.log(`GET /metrics: ${ms(median(scrapes))} median to render ${(size / 1024).toFixed(1)} KiB (queue gauges read from Redis), p max ${ms(Math.max(...scrapes))}`);

// ---- 3. The logger -------------------------------------------------------------------------------------------------
const sink = (): Writable => new Writable({ write: (_c, _e, done) => done() });
const err = Object.assign(new Error('An API error occurred: channel_not_found'), { data: { ok: false, error: 'channel_not_found' }, code: 'slack_webapi_platform_error' });
const lineCost = (logger: Logger): number => {
  const n = 20_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) logger.warn({ err, proposalId: `p${i}`, channel: 'C0AUDIT' }, 'could not post the audit status message');
  return ((performance.now() - started) * 1000) / n;
};
const blanking = createLogger({ level: 'info', base: { service: 'bench' }, secrets: ['xoxb-bench-token-0000', 'bench-signing-secret', 'bench-redis-password'] }, sink());
const raw = pino({ level: 'info', base: { service: 'bench' } }, sink());
lineCost(blanking);
lineCost(raw);
console.log(`Logger: ${lineCost(blanking).toFixed(1)} µs per line with the secret blanking, ${lineCost(raw).toFixed(1)} µs with plain pino`);

// ---- 4. A Redis outage ---------------------------------------------------------------------------------------------
const lines: string[] = [];
const outage = createServices(
  loadConfig({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-signing-secret', REDIS_URL: redis.url, QUEUE_PREFIX: 'bench-outage' }),
  createLogger({ level: 'info', base: {}, secrets: [] }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) })),
);
await outage.ready();
const ready = redisCheck(outage.redis.producer);
await redis.kill();
await new Promise((r) => setTimeout(r, 5000));
const during = lines.length;
await redis.restart();
const restarted = performance.now();
for (;;) {
  if (await ready().then(() => true, () => false)) break;
  await new Promise((r) => setTimeout(r, 10));
}
const back = performance.now() - restarted;
console.log(`Redis outage of 5 s: ${during} log line(s) while it lasted (${lines.map((l) => (JSON.parse(l) as { msg: string }).msg).join(' | ')}); ready again ${ms(back)} after the restart`);

await outage.close();
await services.producers.close();
await services.close();
await redis.close();
await aws.close();
process.exit(0);
