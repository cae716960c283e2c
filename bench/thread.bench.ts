/**
 * Audit thread benchmark: how readable one audit's Slack thread is, and how long it takes to post, with production
 * pacing (Slack allows about one message per second per channel: 1 message/s, burst 5). The real Bolt receiver, the
 * real audit worker and the real engine against the AWS stand-in, seeded with a fleet of 2 accounts × 2 regions: 252
 * resources give 100 FAILED results (`--resources 111` is the fleet of the report that asked for this).
 *
 * It reports, for the audit: FAILED results and failing resources, thread messages, total blocks, proposals posted
 * and kept for "Show next", and seconds from the command until the last thread message; then the same for one click
 * on "Show next 10".
 *
 *   npm run bench:thread [-- --resources 252]
 */
import { pino } from 'pino';
import { defaultClientFactory } from '../src/aws/clients.js';
import { loadConfig } from '../src/config.js';
import { deletePrefix } from '../test/queue/redis.js';
import { benchSlackEnv, useBenchCredentials } from './slack-env.js';
import type { AuditJobData } from '../src/queue/jobs.js';
import { createServices } from '../src/services.js';
import { createSlackApp } from '../src/slack/app.js';
import { ACTION_IDS } from '../src/slack/ids.js';
import type { AuditJobResult, ShowNextResult } from '../src/slack/threads/audit.js';
import { startWorkers } from '../workers/index.js';
import { startAwsStandin } from '../test/support/aws-standin/index.js';
import { seedFleet } from '../test/support/fleet.js';
import { blockActionsBody, postSigned, SlackStandin, slashCommandBody, type StoredMessage } from '../test/support/slack-standin/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RESOURCES = arg('--resources', 252);
const ACCOUNTS = ['111111111111', '222222222222'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const SECRET = 'bench-signing-secret-0123456789';
const CHANNEL = 'C0THREAD';

useBenchCredentials();

const aws = await startAwsStandin({ transitionDelayMs: 0, seed: 7 });
const fleet = seedFleet(aws, { accounts: ACCOUNTS, regions: REGIONS, resourcesTotal: RESOURCES, seed: 42 });
const slack = await SlackStandin.start({ channels: [CHANNEL] });
const prefix = `bench-thread-${Date.now().toString(36)}`;
const config = loadConfig(benchSlackEnv({ slack, secret: SECRET, prefix, accounts: ACCOUNTS, regions: REGIONS }));
const logger = pino({ level: 'silent' });
// Production pacing (services' default): 1 message/s per channel, burst 5.
const services = createServices(config, logger, { clientFactory: defaultClientFactory({ maxAttempts: config.maxAttempts, endpoint: aws.url }) });
await services.ready();
const app = createSlackApp(config, { listeners: services.listenerDeps(), redis: services.redis.producer, logger, identity: { botId: slack.botId, botUserId: slack.botUserId } });
const url = `http://127.0.0.1:${await app.start(0)}/slack/events`;
const workers = await startWorkers(services, { queues: ['audit'] });

async function jobDone(find: (data: Record<string, unknown>) => boolean): Promise<{ returnvalue: unknown; data: Record<string, unknown> }> {
  for (;;) {
    const jobs = await services.producers.audit.getJobs(['completed', 'failed']);
    const job = jobs.find((j) => find(j.data as unknown as Record<string, unknown>));
    if (job) return { returnvalue: job.returnvalue ?? job.failedReason, data: job.data as unknown as Record<string, unknown> };
    await new Promise((r) => setTimeout(r, 50));
  }
}

const blocksOf = (messages: StoredMessage[]) => messages.reduce((n, m) => n + (m.blocks?.length ?? 0), 0);
const lastAt = (channelTs: string[]) => Math.max(...slack.callsTo('chat.postMessage').filter((c) => channelTs.includes(String(c.response.ts))).map((c) => c.at));

try {
  const failing = fleet.resources.filter((r) => r.failing.length > 0);
  console.log(`fleet: ${fleet.resources.length} resources in ${ACCOUNTS.length} accounts × ${REGIONS.length} regions, ${failing.length} failing at least one control (${failing.reduce((n, r) => n + r.failing.length, 0)} failures by construction)`);

  // 1. The audit.
  const t0 = Date.now();
  await postSigned(url, SECRET, slashCommandBody({ text: '', userId: 'U0REQUESTER', channelId: CHANNEL, responseUrl: slack.responseUrl('cmd') }));
  const audit = await jobDone((d) => d.requestedBy === 'U0REQUESTER');
  const result = audit.returnvalue as AuditJobResult;
  const statusTs = (audit.data as unknown as AuditJobData).statusMessageTs;
  const thread = slack.thread(CHANNEL, statusTs);
  const toLast = (lastAt(thread.map((m) => m.ts)) - t0) / 1000;
  const resources = new Set((await services.runAudit({ accounts: ACCOUNTS, regions: REGIONS, controls: [], source: 'both' })).results.filter((r) => r.status === 'FAILED').map((r) => r.resourceArn)).size;
  console.log(`\n1) one /sagemaker-audit: ${result.failed} FAILED results on ${resources} failing resources`);
  console.log(`   thread messages: ${thread.length} (list + errors/notes: ${thread.length - result.proposals - (result.later > 0 ? 1 : 0)}, proposals: ${result.proposals}, "Show next" button: ${result.later > 0 ? 1 : 0})`);
  console.log(`   blocks in the thread: ${blocksOf(thread)} (largest message: ${Math.max(...thread.map((m) => m.blocks?.length ?? 0))} blocks)`);
  console.log(`   proposals posted: ${result.proposals}, reused: ${result.reused}, kept for "Show next": ${result.later}`);
  console.log(`   seconds from the command to the last thread message: ${toLast.toFixed(1)} s (paced 1 msg/s, burst 5)`);
  console.log(`   Slack calls refused: ${slack.calls.filter((c) => c.response.ok !== true).length}`);

  // 2. "Show next 10".
  const last = thread.at(-1)!;
  const button = (last.blocks ?? []).map((b) => (b as { accessory?: { action_id?: string; value?: string } }).accessory).find((a) => a?.action_id === ACTION_IDS.showNext);
  if (button?.value) {
    const before = new Set(thread.map((m) => m.ts));
    const t1 = Date.now();
    await postSigned(url, SECRET, blockActionsBody({ actionId: ACTION_IDS.showNext, value: button.value, userId: 'U0READER', messageTs: last.ts, channelId: CHANNEL, responseUrl: slack.responseUrl('next') }));
    const next = (await jobDone((d) => d.clickedBy === 'U0READER')).returnvalue as ShowNextResult;
    const added = slack.thread(CHANNEL, statusTs).filter((m) => !before.has(m.ts));
    console.log(`\n2) "Show next 10": ${next.proposals} proposals posted (${next.reused} reused), ${added.length} new thread messages, ${blocksOf(added)} blocks, last after ${((lastAt(added.map((m) => m.ts)) - t1) / 1000).toFixed(1)} s; ${next.remaining} still kept`);
  } else {
    console.log('\n2) every proposal fit in the first page: no "Show next" button');
  }
} finally {
  await app.stop();
  await workers.close();
  await services.producers.audit.obliterate({ force: true }).catch(() => undefined);
  await deletePrefix(services.redis.worker, prefix);
  await services.close();
  await slack.close();
  await aws.close();
}
