/**
 * `npm run demo`: the whole product on a fresh machine, with no Slack workspace and no AWS account.
 *
 * It starts the AWS stand-in (seeded with a small demo fleet), the Slack stand-in, Redis (REDIS_URL, else a local
 * one on 6379, else a private `redis-server` it starts), and the real app (Bolt HTTP receiver + BullMQ workers).
 * Then it acts as a person would: sends a signed `/sagemaker-audit`, reads the messages, approves a notebook fix
 * and a job definition fix, watches them run and verify, asks for a digest, and shuts everything down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

// The demo is an entry point (outside src/, where reading the environment is banned): it reads REDIS_URL and PATH,
// and points the AWS SDK at the stand-in with fake credentials before any client exists.
const env = process.env;

const DEADLINE_MS = 55_000;
const CHANNEL = 'C0DEMO';
const REQUESTER = 'U0DEMOUSER';
const APPROVER = 'U0DEMOAPPROVER';
const SIGNING_SECRET = `demo-signing-secret-${randomBytes(8).toString('hex')}`;
const started = Date.now();

const out = (line = '') => process.stdout.write(`${line}\n`);
const step = (title: string) => out(`\n>>> ${title}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function pings(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000, enableOfflineQueue: false });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function onPath(binary: string): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
}

/** REDIS_URL, else 127.0.0.1:6379 if it answers, else a private redis-server on a free port (no persistence). */
async function redisForDemo(): Promise<{ url: string; child?: ChildProcess; how: string }> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, how: `REDIS_URL (${env.REDIS_URL.replace(/\/\/[^@]*@/, '//***@')})` };
  if (await pings('redis://127.0.0.1:6379')) return { url: 'redis://127.0.0.1:6379', how: 'the local Redis on 127.0.0.1:6379' };
  if (!onPath('redis-server')) {
    console.error(
      [
        'The demo needs Redis (the job queue), and none was found:',
        '  - REDIS_URL is not set,',
        '  - nothing answers on 127.0.0.1:6379,',
        '  - and there is no redis-server binary to start a private one.',
        'Get one of these, then run `npm run demo` again:',
        '  Debian/Ubuntu: sudo apt-get install redis-server',
        '  macOS:         brew install redis',
        '  Docker:        docker run -d -p 6379:6379 redis:7-alpine',
        '  or set REDIS_URL=redis://host:port to a Redis you have.',
      ].join('\n'),
    );
    process.exit(1);
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await pings(url)) return { url, child, how: `a private redis-server on port ${port} (stopped at the end)` };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  console.error(`redis-server did not answer on port ${port}`);
  process.exit(1);
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Math.min(Date.now() + timeoutMs, started + DEADLINE_MS);
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  out('SageMaker audit — demo (no Slack workspace, no AWS account: both are local stand-ins)');
  const redis = await redisForDemo();
  out(`Redis: ${redis.how}`);

  const { startAwsStandin } = await import('../test/support/aws-standin/index.js');
  const { seedDemoFleet } = await import('../test/support/fleet.js');
  // Notebook and schedule transitions take a second (minutes on AWS), so the fix visibly waits for each state.
  const aws = await startAwsStandin({ transitionDelayMs: 1000 });
  const fleet = seedDemoFleet(aws);
  const account = aws.defaultAccountId;
  const regions = [...new Set(fleet.resources.map((r) => r.region))];

  // Fake credentials and the stand-in's endpoint for every SDK client made from here on.
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'demo-secret-access-key',
    AWS_REGION: regions[0],
    AWS_ENDPOINT_URL: aws.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  out(`AWS stand-in: ${aws.url} — account ${account}, regions ${regions.join(', ')}, ${fleet.resources.length} SageMaker resources (${fleet.resources.filter((r) => r.failing.length > 0).length} failing at least one control)`);

  const { SlackStandin, slashCommandBody, blockActionsBody, eventCallbackPayload, postSigned } = await import('../test/support/slack-standin/index.js');
  const slack = await SlackStandin.start({ channels: [CHANNEL] });
  out(`Slack stand-in: ${slack.url} — channel #demo (${CHANNEL})`);

  const { pino } = await import('pino');
  const { loadConfig } = await import('../src/config.js');
  const { createServices } = await import('../src/services.js');
  const { createSlackApp } = await import('../src/slack/app.js');
  const { startWorkers } = await import('../workers/index.js');
  const { ACTION_IDS } = await import('../src/slack/ids.js');
  const { resourceOf } = await import('../src/remediation/proposals.js');
  const { renderBlocks } = await import('../src/demo/render.js');

  const prefix = `demo-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    AUDIT_ACCOUNTS: account,
    AUDIT_REGIONS: regions.join(','),
    APPROVERS: APPROVER,
    DIGEST_CHANNEL: CHANNEL,
    LOG_LEVEL: 'error',
  });
  const logger = pino({ level: 'error' }, pino.destination(2));
  // The stand-in's notebook transitions take milliseconds: poll them quickly instead of AWS's 15 s.
  const services = createServices(config, logger, { tuning: { remediationTiming: { pollIntervalMs: 200, maxPollIntervalMs: 1000, defaultMaxWaitSeconds: 1800 } } });
  await services.ready();
  const workers = await startWorkers(services);
  const app = createSlackApp(config, { listeners: services.listenerDeps(), redis: services.redis.producer, logger, identity: { botId: slack.botId, botUserId: slack.botUserId } });
  const port = await app.start(0);
  const events = `http://127.0.0.1:${port}/slack/events`;
  out(`App: Bolt HTTP receiver on 127.0.0.1:${port}, workers on Redis (prefix ${prefix})`);

  // What a person sees: each message once, and again when it changes (chat.update).
  const seen = new Map<string, number>();
  const show = (channel: string, parentTs?: string) => {
    const list = parentTs ? slack.thread(channel, parentTs) : slack.messages(channel).filter((m) => !m.threadTs);
    for (const m of list) {
      const version = m.history.length;
      if (seen.get(m.ts) === version) continue;
      const edited = seen.has(m.ts) ? ' (edited)' : '';
      seen.set(m.ts, version);
      out(`${parentTs ? '    ↳ thread reply' : '#demo'} @sagemaker-audit${edited}:`);
      out(renderBlocks(m.blocks, m.text).split('\n').map((l) => `${parentTs ? '      ' : '  '}${l}`).join('\n'));
    }
  };
  const files = (threadTs: string) => [...slack.files.values()].filter((f) => f.completed && f.threadTs === threadTs);

  let cleanExit = false;
  try {
    step(`${REQUESTER} types: /sagemaker-audit`);
    const res = await postSigned(events, SIGNING_SECRET, slashCommandBody({ text: '', userId: REQUESTER, channelId: CHANNEL, responseUrl: slack.responseUrl('cmd') }));
    out(`  (Slack got HTTP ${res.status} in ${Math.round(res.ms)} ms — the 3-second ack)`);
    const status = await until('the status message', () => slack.messages(CHANNEL).find((m) => !m.threadTs));
    show(CHANNEL);

    const auditJob = await until('the audit job', async () => (await services.producers.audit.getJobs(['completed', 'failed']))[0]);
    if ((await auditJob.getState()) === 'failed') throw new Error(`the audit failed: ${auditJob.failedReason}`);
    const summary = auditJob.returnvalue as { total: number; failed: number; proposals: number; threadMessages: number };
    // The worker posts the summary, the details and the proposals before its job completes.
    step('The audit finished');
    show(CHANNEL);
    show(CHANNEL, status.ts);
    out(`\nSummary: ${summary.total} checks, ${summary.failed} FAILED, ${summary.proposals} fixes proposed (${summary.threadMessages} thread messages)`);

    // Pick a notebook fix and a job definition fix from the proposals in the thread.
    const proposalIds = slack
      .thread(CHANNEL, status.ts)
      .flatMap((m) => (m.blocks ?? []).flatMap((b) => ((b as { elements?: Array<{ action_id?: string; value?: string }> }).elements ?? []).filter((e) => e.action_id === ACTION_IDS.approve).map((e) => e.value ?? '')));
    const proposals = (await Promise.all(proposalIds.map((id) => services.web.proposals.get(id)))).filter((p) => p !== null);
    const kindOf = (p: (typeof proposals)[number]) => resourceOf(p.proposal).resourceKind;
    const notebook = proposals.find((p) => kindOf(p) === 'notebook-instance' && p.proposal.plan.kind === 'in-place') ?? proposals.find((p) => kindOf(p) === 'notebook-instance');
    const jobDef = proposals.find((p) => kindOf(p).endsWith('-job-definition'));
    const chosen = [notebook, jobDef].filter((p) => p !== undefined);
    if (chosen.length < 2) out(`\n(Only ${chosen.length} of the two fixes was proposed; approving what there is.)`);

    for (const p of chosen) {
      const r = resourceOf(p.proposal);
      step(`${APPROVER} clicks [Approve] on ${p.proposal.plan.verify.controlIds.join(' + ')} for ${r.resourceName} (${r.resourceType}, ${r.region}): one fix for all of them`);
      const click = await postSigned(
        events,
        SIGNING_SECRET,
        blockActionsBody({ actionId: ACTION_IDS.approve, value: p.proposal.id, userId: APPROVER, messageTs: p.proposal.slack.messageTs ?? status.ts, channelId: CHANNEL, responseUrl: slack.responseUrl(`approve-${p.proposal.id}`) }),
      );
      out(`  (Slack got HTTP ${click.status} in ${Math.round(click.ms)} ms)`);
    }
    const finals = await until(
      'the fixes to finish',
      async () => {
        const states = await Promise.all(chosen.map((p) => services.web.proposals.get(p.proposal.id)));
        return states.every((s) => s && (s.state.status === 'succeeded' || s.state.status === 'failed')) ? states : undefined;
      },
      40_000,
    );
    step('The fixes ran (steps and verification in the thread)');
    show(CHANNEL, status.ts);
    out('');
    for (const [i, s] of finals.entries()) {
      const p = chosen[i]!.proposal;
      const verdict = s?.state.status === 'succeeded' ? 'PASSED' : 'FAILED';
      out(`Verification of ${p.plan.verify.controlIds.join(', ')} on ${resourceOf(p).resourceName}: ${verdict} — ${s?.state.note ?? ''}`);
    }

    step(`${REQUESTER} types: /sagemaker-audit digest`);
    await postSigned(events, SIGNING_SECRET, slashCommandBody({ text: 'digest', userId: REQUESTER, channelId: CHANNEL, responseUrl: slack.responseUrl('digest') }));
    const digest = await until('the digest', () => slack.messages(CHANNEL).find((m) => !m.threadTs && m.ts !== status.ts && (m.text ?? '').includes('digest')));
    await until('the CSV and chart', () => (files(digest.ts).length >= 2 ? true : undefined), 20_000);
    show(CHANNEL);
    show(CHANNEL, digest.ts);
    for (const f of files(digest.ts)) out(`      📎 ${f.filename} (${f.length} bytes)${f.filename.endsWith('.csv') ? ` — ${f.bytes.toString('utf8').trim().split('\n').length - 1} rows` : ''}`);
    out(`\nDigest posted: ${(digest.text ?? '').replace(/\*/g, '')}`);

    step(`${APPROVER} opens the app's Home tab`);
    await postSigned(events, SIGNING_SECRET, JSON.stringify(eventCallbackPayload(slack.appHomeOpenedEvent(APPROVER))), { headers: { 'content-type': 'application/json' } });
    const home = await until('the Home tab', () => slack.homeView(APPROVER));
    out(renderBlocks(home.blocks as unknown[]).split('\n').map((l) => `  ${l}`).join('\n'));
    cleanExit = true;
  } finally {
    step('Shutting down');
    await app.stop().catch(() => undefined);
    await workers.close().catch(() => undefined);
    for (const q of [services.producers.audit, services.producers.remediation]) await q.obliterate({ force: true }).catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await services.redis.worker.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await services.redis.worker.unlink(...keys);
    } while (cursor !== '0');
    await services.close().catch(() => undefined);
    await slack.close();
    await aws.close();
    redis.child?.kill();
    out(cleanExit ? `Done in ${((Date.now() - started) / 1000).toFixed(1)} s.` : 'The demo stopped early.');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);
