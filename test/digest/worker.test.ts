import { afterEach, describe, expect, it } from 'vitest';
import { QueueEvents, type Job } from 'bullmq';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { parseCsv } from '../../src/digest/csv.js';
import type { DigestJobData } from '../../src/queue/jobs.js';
import { JOB_NAMES, QUEUE_NAMES, SCHEDULER_IDS } from '../../src/queue/names.js';
import { createServices, type Services } from '../../src/services.js';
import type { DigestOutcome } from '../../src/slack/threads/digest.js';
import { digestProcessor } from '../../workers/digest.js';
import { startWorkers } from '../../workers/index.js';
import { factoryFor, useFakeCredentials, createNotebook } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { SlackStandin } from '../support/slack-standin/index.js';
import { deletePrefix, testRedis, uniquePrefix, REDIS_URL } from '../queue/redis.js';

useFakeCredentials();
const A = '111111111111';
const CHANNEL = 'C0DIGEST';

interface Ctx {
  aws: AwsStandin;
  slack: SlackStandin;
  config: Config;
  closers: (() => Promise<unknown>)[];
  prefix: string;
}
let ctx: Ctx | undefined;

afterEach(async () => {
  if (!ctx) return;
  for (const c of ctx.closers.reverse()) await c().catch(() => undefined);
  const r = testRedis();
  await deletePrefix(r, ctx.prefix);
  await r.quit();
  await ctx.aws.close();
  await ctx.slack.close();
  ctx = undefined;
});

async function setup(env: Record<string, string> = {}): Promise<Ctx> {
  const aws = await startAwsStandin();
  const slack = await SlackStandin.start({ channels: [CHANNEL] });
  const prefix = uniquePrefix('digest');
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    AUDIT_REGIONS: 'us-east-1,eu-west-1',
    AUDIT_ACCOUNTS: A,
    DIGEST_CHANNEL: CHANNEL,
    DIGEST_CRON: '0 9 * * *',
    DIGEST_TZ: 'Europe/Berlin',
    LOG_LEVEL: 'silent',
    ...env,
  });
  ctx = { aws, slack, config, closers: [], prefix };
  return ctx;
}

/** A process: the composition root on the stand-ins (its own Redis connections, stores and clock). */
async function boot(c: Ctx, now?: () => Date): Promise<Services> {
  const services = createServices(c.config, pino({ level: 'silent' }), {
    clientFactory: factoryFor(c.aws),
    slackClientOptions: { retryConfig: { retries: 0 } },
    ...(now ? { now } : {}),
  });
  c.closers.push(() => services.close());
  await services.ready();
  return services;
}

/** The digest processor of a process, as the workers table builds it. */
function processorOf(services: Services) {
  const proc = digestProcessor({
    config: services.config,
    slack: services.slack,
    state: services.worker.digestState,
    risks: services.worker.risks,
    runAudit: services.runAudit,
    logger: services.logger,
    now: services.now,
  });
  return (id: string | undefined, data: DigestJobData): Promise<DigestOutcome> => proc({ id, name: JOB_NAMES.digest, data, opts: {} } as unknown as Job<DigestJobData, DigestOutcome>);
}

/** Starts the digest worker of a process and, as every start does, upserts the schedules. */
async function startDigestWorker(services: Services, c: Ctx): Promise<boolean> {
  const running = await startWorkers(services, { queues: [QUEUE_NAMES.digest] });
  c.closers.push(() => running.close());
  return services.producers.ensureSchedules(services.config.app);
}

const topLevel = (s: SlackStandin) => s.messages(CHANNEL).filter((m) => !m.threadTs);

describe('digest worker', () => {
  it('two workers, one schedule tick → one digest, with CSV and chart in its thread; a retried tick posts nothing', async () => {
    const c = await setup();
    for (let i = 0; i < 6; i++) createNotebook(c.aws, A, i < 4 ? 'us-east-1' : 'eu-west-1', `nb-${i}`, { DirectInternetAccess: 'Enabled', RootAccess: 'Enabled' });
    const first = await boot(c);
    expect(await startDigestWorker(first, c)).toBe(true);
    const second = await boot(c);
    // Booting again upserts the same scheduler: still one.
    expect(await startDigestWorker(second, c)).toBe(true);

    const queue = first.producers.digest;
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz])).toEqual(
      expect.arrayContaining([[SCHEDULER_IDS.digest, '0 9 * * *', 'Europe/Berlin']]),
    );
    const delayed = (await queue.getDelayed()).filter((j) => j.name === JOB_NAMES.digest);
    expect(delayed).toHaveLength(1);
    const tickJob = delayed[0]!;
    expect(tickJob.id).toMatch(/^repeat:daily-digest:\d+$/);

    // The tick arrives now.
    const events = new QueueEvents(QUEUE_NAMES.digest, { connection: testRedis(), prefix: c.prefix });
    c.closers.push(() => events.close());
    await events.waitUntilReady();
    await tickJob.promote();
    await tickJob.waitUntilFinished(events, 30_000);

    await c.slack.waitFor(() => [...c.slack.files.values()].filter((f) => f.completed).length === 2, 20_000);
    const posts = topLevel(c.slack);
    expect(posts).toHaveLength(1);
    const digest = posts[0]!;
    expect(digest.text).toContain('SageMaker digest');
    const files = [...c.slack.files.values()];
    expect(files.every((f) => f.channelId === CHANNEL && f.threadTs === digest.ts)).toBe(true);
    const csv = files.find((f) => f.filename.endsWith('.csv'))!;
    const png = files.find((f) => f.filename.endsWith('.png'))!;
    expect(png.bytes.subarray(1, 4).toString()).toBe('PNG');
    const rows = parseCsv(csv.bytes.toString('utf8'));
    const failing = Number(/(\d+) failing/.exec(digest.text ?? '')![1]);
    expect(failing).toBeGreaterThan(0);
    expect(rows.length - 1).toBe(failing);

    // The same tick again (a retry, or a second job for it): SET NX refuses, nothing is posted.
    const out = await processorOf(second)(tickJob.id, {});
    expect(out).toMatchObject({ posted: false, skipped: 'tick-already-claimed' });
    expect(topLevel(c.slack)).toHaveLength(1);
    expect(c.slack.callsTo('chat.postMessage').filter((call) => !call.args.thread_ts)).toHaveLength(1);
  });

  it('on demand: new and fixed across two digests with a restart between; an unreadable region is not "fixed"', async () => {
    const c = await setup();
    createNotebook(c.aws, A, 'us-east-1', 'east-open', { DirectInternetAccess: 'Enabled' });
    createNotebook(c.aws, A, 'us-east-1', 'east-fixed', { DirectInternetAccess: 'Enabled' });
    createNotebook(c.aws, A, 'eu-west-1', 'west-hidden', { DirectInternetAccess: 'Enabled' });
    let now = new Date('2026-11-25T08:00:00Z');
    const day1 = processorOf(await boot(c, () => now));
    const r1 = await day1('manual-1', { requestedBy: 'U0ASKER', channelId: CHANNEL });
    expect(r1).toMatchObject({ posted: true, newCount: 0, fixedCount: 0 });

    // Between digests: one fix, one new failure, and eu-west-1 becomes unreadable.
    c.aws.setTransitionDelay(0);
    c.aws.invoke('StopNotebookInstance', { NotebookInstanceName: 'east-fixed' }, { accountId: A, region: 'us-east-1' });
    await new Promise((r) => setTimeout(r, 20));
    c.aws.invoke('DeleteNotebookInstance', { NotebookInstanceName: 'east-fixed' }, { accountId: A, region: 'us-east-1' });
    await new Promise((r) => setTimeout(r, 20));
    createNotebook(c.aws, A, 'us-east-1', 'east-new', { DirectInternetAccess: 'Enabled' });
    c.aws.region(A, 'eu-west-1').accessDenied = true;

    now = new Date('2026-11-26T08:00:00Z');
    // Restart: new connection, new processor and stores.
    const day2 = processorOf(await boot(c, () => now));
    const r2 = await day2('manual-2', { channelId: CHANNEL });
    expect(r2).toMatchObject({ posted: true });
    const second = topLevel(c.slack)[1]!;
    const text = JSON.stringify(second.blocks);
    const section = (title: string) => (second.blocks ?? []).map((b) => JSON.stringify(b)).find((b) => b.includes(title)) ?? '';
    expect(section('New since last digest')).toContain('east-new');
    expect(section('New since last digest')).not.toContain('east-open');
    expect(section('Fixed since last digest')).toContain('east-fixed');
    expect(section('Fixed since last digest')).not.toContain('west-hidden');
    expect(section('Could not be read')).toContain('eu-west-1');
    expect(text).not.toContain('U0ASKER');
    expect(JSON.stringify(topLevel(c.slack)[0]!.blocks)).toContain('<@U0ASKER>');
  });

  it('an accepted risk is SUPPRESSED in the digest, and after its expiry (controlled clock) FAILED again and reported as expired', async () => {
    const c = await setup();
    createNotebook(c.aws, A, 'us-east-1', 'accepted-nb', { DirectInternetAccess: 'Enabled' });
    let now = new Date('2026-11-26T08:00:00Z');
    const services = await boot(c, () => now);
    const risks = services.worker.risks;
    const arn = c.aws.arn('notebook-instance', A, 'us-east-1', 'accepted-nb');
    await risks.accept(
      { target: { controlId: 'SageMaker.1', accountId: A, region: 'us-east-1', resourceArn: arn, resourceName: 'accepted-nb' }, scope: 'resource', reason: 'lab notebook', expiresAt: '2026-11-27T00:00:00.000Z', acceptedBy: 'U0APPROVER' },
      new Date('2026-11-20T00:00:00Z'),
    );
    const proc = processorOf(services);
    const run = (id: string) => proc(id, { channelId: CHANNEL });
    await run('m1');
    const csvOf = (i: number) => {
      const files = [...c.slack.files.values()].filter((f) => f.filename.endsWith('.csv'));
      return parseCsv(files[i]!.bytes.toString('utf8'));
    };
    await c.slack.waitFor(() => [...c.slack.files.values()].filter((f) => f.completed).length === 2, 10_000);
    const row1 = csvOf(0).find((r) => r[6] === 'accepted-nb' && r[2] === 'SageMaker.1')!;
    expect([row1[0], row1[12], row1[14]]).toEqual(['SUPPRESSED', 'U0APPROVER', 'lab notebook']);
    expect(JSON.stringify(topLevel(c.slack)[0]!.blocks)).toMatch(/1 expiring within 7 days/);

    now = new Date('2026-11-27T08:00:00Z');
    await run('m2');
    await c.slack.waitFor(() => [...c.slack.files.values()].filter((f) => f.completed).length === 4, 10_000);
    const row2 = csvOf(1).find((r) => r[6] === 'accepted-nb' && r[2] === 'SageMaker.1')!;
    expect(row2[0]).toBe('FAILED');
    const blocks = JSON.stringify(topLevel(c.slack)[1]!.blocks);
    expect(blocks).toContain('1 expired since the last digest');
    expect(blocks).toContain('expired 2026-11-27');
    // Not "new": it was open (accepted) at the previous digest.
    expect((blocks.match(/New since last digest \((\d+)\)/) ?? [])[1]).toBe('0');
    expect((await services.worker.trail.history()).map((e) => e.type)).toEqual(['risk-expired', 'risk-accepted']);
  });
});
