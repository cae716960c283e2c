/**
 * Slack benchmark: the app as it is deployed (`node dist/src/main.js`: the web side, and the workers in a second
 * process at WORKERS_NICE), real Redis, the Slack stand-in behind its WebClient, and a 10,000-resource fleet
 * (4 accounts × 5 regions, 20 ms per AWS call) on the AWS stand-in. The app is a process of its own; the AWS stand-in
 * and the load generator run in worker threads of this benchmark, so they do not share its event loop (in production
 * they are other machines, but here they share the same 2 cores).
 *
 *   0. 50 concurrent signed `/sagemaker-audit` commands, audit queue paused: ack latency of the web side alone.
 *   1. One command with nothing else running: time to the summary in place (chat.update of the status message) and
 *      to the last thread reply (job complete), with production pacing (1 message/s per channel, burst 5).
 *   2. 50 concurrent commands while that fleet's audit runs: ack latency under load.
 *   Target: p99 < 100 ms, none > 1 s.
 *
 *   npm run bench:slack [-- --quick]                 (--quick: 1,000 resources)
 *                       [-- --nice 0]                 (WORKERS_NICE for the app; default: the app's default)
 *                       [-- --app "node --import tsx src/main.ts" --app-cwd /other/checkout]   (another build)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../src/queue/names.js';
import { freePort } from '../test/support/ports.js';
import { benchSlackEnv } from './slack-env.js';
import { postSigned, SlackStandin, slashCommandBody } from '../test/support/slack-standin/index.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes('--quick');
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const RESOURCES = quick ? 1_000 : 10_000;
const CONCURRENT = 50;
const SECRET = 'bench-signing-secret-0123456789';
const CHANNEL = 'C0BENCH';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const boot = new URL('./thread-boot.mjs', import.meta.url);
const entry = new URL('./slack-threads.ts', import.meta.url).href;
function thread(data: Record<string, unknown>): Worker {
  return new Worker(boot, { workerData: { entry, ...data } });
}
const next = <T>(w: Worker) =>
  new Promise<T>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });

const awsThread = thread({ role: 'aws', accounts: ACCOUNTS, regions: REGIONS, resources: RESOURCES, latencyMs: 20 });
const t0 = performance.now();
const aws = await next<{ url: string; resources: number }>(awsThread);
console.log(`fleet: ${aws.resources} resources in ${ACCOUNTS.length} accounts × ${REGIONS.length} regions, 20 ms per AWS call (seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
const loadThread = thread({ role: 'load' });

const slack = await SlackStandin.start({ channels: [CHANNEL] });
const prefix = `bench-slack-${Date.now().toString(36)}`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const port = await freePort();
const env: Record<string, string> = {
  ...benchSlackEnv({ slack, secret: SECRET, prefix, accounts: ACCOUNTS, regions: REGIONS }),
  PATH: process.env.PATH ?? '',
  PORT: String(port),
  AWS_ENDPOINT_URL: aws.url,
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  LOG_LEVEL: 'warn',
  ...(arg('nice') !== undefined ? { WORKERS_NICE: arg('nice')! } : {}),
};
const appCmd = (arg('app') ?? 'node dist/src/main.js').split(/\s+/).map((w) => (w === 'node' ? process.execPath : w));
const app = spawn(appCmd[0]!, appCmd.slice(1), { cwd: arg('app-cwd') ?? ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
const appExited = new Promise<void>((resolve) => app.once('exit', () => resolve()));
for (let status = 0; status !== 200; ) {
  if (app.exitCode !== null) throw new Error('the app exited');
  status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
  await new Promise((r) => setTimeout(r, 100));
}
const url = `http://127.0.0.1:${port}/slack/events`;
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const audit = new Queue(QUEUE_NAMES.audit, { connection: redis, prefix });
console.log(`app: ${appCmd.slice(1).join(' ')}${arg('app-cwd') ? ` in ${arg('app-cwd')}` : ''}${arg('nice') !== undefined ? ` · WORKERS_NICE=${arg('nice')}` : ''}`);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function burst(label: string, text: string): Promise<void> {
  const reply = next<{ latencies: number[]; statuses: number[] }>(loadThread);
  loadThread.postMessage({ url, secret: SECRET, count: CONCURRENT, text, channel: CHANNEL, responseUrl: slack.responseUrl('load') });
  const { latencies, statuses } = await reply;
  const lat = latencies.sort((a, b) => a - b);
  const max = lat[lat.length - 1]!;
  console.log(`   ${label}: ack p50 ${ms(pct(lat, 50))} · p99 ${ms(pct(lat, 99))} · max ${ms(max)} · HTTP ${[...new Set(statuses)].join(',')}`);
  console.log(`     p99 < 100 ms: ${pct(lat, 99) < 100 ? 'met' : 'MISSED'} · none > 1 s: ${max <= 1000 ? 'met' : 'MISSED'}`);
}

/** Waits until the listeners' work after the ack (status message + enqueue) is done for `jobs` audit jobs. */
async function settle(jobs: number): Promise<void> {
  for (;;) {
    const c = await audit.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    if (Object.values(c).reduce((a, b) => a + b, 0) >= jobs) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

// 0. Web side alone (audit queue paused, so no audit runs).
await audit.pause();
console.log(`\n0) ${CONCURRENT} concurrent signed slash commands, audit queue paused`);
for (let i = 1; i <= 3; i++) {
  await burst(i < 3 ? `warm-up ${i}` : 'measured', 'control=SageMaker.3');
  await settle(i * CONCURRENT);
}
await audit.obliterate({ force: true });
await audit.resume();
slack.reset();

async function singleAudit(user: string): Promise<{ ackMs: number; toSummary: number; toThread: number; jobId: string }> {
  const start = performance.now();
  const res = await postSigned(url, SECRET, slashCommandBody({ text: '', userId: user, channelId: CHANNEL, responseUrl: slack.responseUrl(user) }));
  const statusTs = () => slack.callsTo('chat.postMessage').find((c) => String(c.args.text ?? '').includes(user))?.response.ts as string | undefined;
  await slack.waitFor(() => {
    const ts = statusTs();
    return ts !== undefined && (slack.message(CHANNEL, ts)?.text ?? '').startsWith('SageMaker audit');
  }, 1_800_000);
  const toSummary = performance.now() - start;
  const job = (await audit.getJobs(['waiting', 'active', 'completed', 'failed'])).find((j) => j.data.requestedBy === user)!;
  while (!['completed', 'failed'].includes(await audit.getJobState(job.id!))) await new Promise((r) => setTimeout(r, 50));
  return { ackMs: res.ms, toSummary, toThread: performance.now() - start, jobId: job.id! };
}

// 1. One command, end to end, nothing else running.
const one = await singleAudit('U0SINGLE');
const done = (await audit.getJob(one.jobId))!;
const summary = slack.message(CHANNEL, done.data.statusMessageTs)!;
const rejected = slack.calls.filter((c) => c.response.ok !== true);
console.log(`\n1) one /sagemaker-audit over ${aws.resources} resources (ack ${ms(one.ackMs)})`);
console.log(`   summary in place after ${(one.toSummary / 1000).toFixed(2)} s: "${summary.text}"`);
console.log(`   thread complete after ${(one.toThread / 1000).toFixed(2)} s (paced 1 msg/s, burst 5): ${JSON.stringify(done.returnvalue ?? done.failedReason)}`);
console.log(`   Slack calls: ${slack.calls.length}, not ok: ${rejected.length}${rejected.length ? ` (${[...new Set(rejected.map((c) => `${c.method}:${String(c.response.error)}`))].join(', ')})` : ''}`);

// 2. 50 concurrent commands while a full audit of the fleet runs.
console.log(`\n2) ${CONCURRENT} concurrent signed slash commands while a full audit runs`);
const second = singleAudit('U0SECOND');
await new Promise((r) => setTimeout(r, 1500));
await burst('under load', 'control=SageMaker.3');
await settle(2 + CONCURRENT);
await audit.drain(true);
await second;

// Stop: the app (SIGTERM), then the queues and keys under the prefix.
app.kill('SIGTERM');
await appExited;
await audit.obliterate({ force: true });
let cursor = '0';
do {
  const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
  cursor = nextCursor;
  if (keys.length) await redis.unlink(...keys);
} while (cursor !== '0');
await audit.close();
await redis.quit();
await slack.close();
awsThread.postMessage({ type: 'close' });
await next(awsThread);
await Promise.all([awsThread.terminate(), loadThread.terminate()]);
process.exit(0);
