/**
 * Slack benchmark: the real Bolt HTTP receiver, real Redis, and the real workers in one process (as `npm start` runs
 * them), the Slack stand-in behind the WebClient, and a 10,000-resource fleet (4 accounts × 5 regions, 20 ms per AWS
 * call) on the AWS stand-in. The AWS stand-in and the load generator run in worker threads, so they do not share the
 * measured event loop (in production they are other machines); the Slack stand-in shares it (it is light).
 *
 *   0. 50 concurrent signed `/sagemaker-audit` commands, audit queue paused: ack latency of the web side alone.
 *   1. One command with nothing else running: time to the summary in place (chat.update of the status message) and
 *      to the last thread reply (job complete), with production pacing (1 message/s per channel, burst 5).
 *   2. 50 concurrent commands while that fleet's audit runs in the same process: ack latency under load.
 *   Target: p99 < 100 ms, none > 1 s.
 *
 *   npm run bench:slack [-- --quick]     (--quick: 1,000 resources)
 */
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { createServices } from '../src/services.js';
import { createSlackApp } from '../src/slack/app.js';
import { defaultClientFactory } from '../src/aws/clients.js';
import { loadConfig } from '../src/config.js';
import { benchSlackEnv, useBenchCredentials } from './slack-env.js';
import type { AuditJobData } from '../src/queue/jobs.js';
import { startWorkers } from '../workers/index.js';
import { postSigned, SlackStandin, slashCommandBody } from '../test/support/slack-standin/index.js';

const quick = process.argv.includes('--quick');
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const RESOURCES = quick ? 1_000 : 10_000;
const CONCURRENT = 50;
const SECRET = 'bench-signing-secret-0123456789';
const CHANNEL = 'C0BENCH';

useBenchCredentials();

const boot = new URL('../workers/thread-boot.mjs', import.meta.url);
const entry = new URL('./slack-threads.ts', import.meta.url).href;
function thread(data: Record<string, unknown>): Worker {
  return new Worker(boot, { workerData: { entry, ...data } });
}
const next = <T>(w: Worker) => new Promise<T>((resolve, reject) => {
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
const env = benchSlackEnv({ slack, secret: SECRET, prefix, accounts: ACCOUNTS, regions: REGIONS });
const config = loadConfig(env);
const logger = pino({ level: 'silent' });
const services = createServices(config, logger, { clientFactory: defaultClientFactory({ maxAttempts: config.maxAttempts, endpoint: aws.url }) });
await services.ready();
const slackApp = createSlackApp(config, { listeners: services.listenerDeps(), redis: services.redis.producer, logger, identity: { botId: slack.botId, botUserId: slack.botUserId } });
const port = await slackApp.start(0);
const url = `http://127.0.0.1:${port}/slack/events`;
// Workers: in their own thread (how `npm start` runs them), or with --same-thread on the web side's event loop.
const sameThread = process.argv.includes('--same-thread');
const workersThread = sameThread ? undefined : thread({ role: 'workers', env, awsUrl: aws.url });
if (workersThread) await next(workersThread);
const workers = sameThread
  ? await startWorkers(services)
  : undefined;
console.log(`workers: ${sameThread ? 'same event loop as the web side (--same-thread)' : 'own thread (as npm start runs them)'}`);

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
    const c = await services.producers.audit.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    if (Object.values(c).reduce((a, b) => a + b, 0) >= jobs) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

// 0. Web side alone (audit queue paused, so no audit runs).
await services.producers.audit.pause();
console.log(`\n0) ${CONCURRENT} concurrent signed slash commands, audit queue paused`);
for (let i = 1; i <= 3; i++) {
  await burst(i < 3 ? `warm-up ${i}` : 'measured', 'control=SageMaker.3');
  await settle(i * CONCURRENT);
}
await services.producers.audit.obliterate({ force: true });
await services.producers.audit.resume();
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
  const job = (await services.producers.audit.getJobs(['waiting', 'active', 'completed', 'failed'])).find((j) => 'requestedBy' in j.data && j.data.requestedBy === user)!;
  while (!['completed', 'failed'].includes(await services.producers.audit.getJobState(job.id!))) await new Promise((r) => setTimeout(r, 50));
  return { ackMs: res.ms, toSummary, toThread: performance.now() - start, jobId: job.id! };
}

// 1. One command, end to end, nothing else running.
const one = await singleAudit('U0SINGLE');
const done = (await services.producers.audit.getJob(one.jobId))!;
const summary = slack.message(CHANNEL, (done.data as AuditJobData).statusMessageTs)!;
const rejected = slack.calls.filter((c) => c.response.ok !== true);
console.log(`\n1) one /sagemaker-audit over ${aws.resources} resources (ack ${ms(one.ackMs)})`);
console.log(`   summary in place after ${(one.toSummary / 1000).toFixed(2)} s: "${summary.text}"`);
console.log(`   thread complete after ${(one.toThread / 1000).toFixed(2)} s (paced 1 msg/s, burst 5): ${JSON.stringify(done.returnvalue ?? done.failedReason)}`);
console.log(`   Slack calls: ${slack.calls.length}, not ok: ${rejected.length}${rejected.length ? ` (${[...new Set(rejected.map((c) => `${c.method}:${String(c.response.error)}`))].join(', ')})` : ''}`);

// 2. 50 concurrent commands while a full audit of the fleet runs in this process.
console.log(`\n2) ${CONCURRENT} concurrent signed slash commands while a full audit runs in-process`);
const second = singleAudit('U0SECOND');
await new Promise((r) => setTimeout(r, 1500));
await burst('under load', 'control=SageMaker.3');
await settle(2 + CONCURRENT);
await services.producers.audit.drain(true);
await second;

// Stop: drop the queued audits, let the active ones finish, clean up the prefix.
await slackApp.stop();
await services.producers.audit.drain(true);
await workers?.close();
if (workersThread) {
  workersThread.postMessage({ type: 'close' });
  await next(workersThread);
  await workersThread.terminate();
}
await services.producers.audit.obliterate({ force: true });
await services.producers.remediation.obliterate({ force: true });
let cursor = '0';
do {
  const [nextCursor, keys] = await services.redis.worker.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
  cursor = nextCursor;
  if (keys.length) await services.redis.worker.unlink(...keys);
} while (cursor !== '0');
await services.close();
await slack.close();
awsThread.postMessage({ type: 'close' });
await next(awsThread);
await Promise.all([awsThread.terminate(), loadThread.terminate()]);
process.exit(0);
