import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { DigestJobData } from '../../src/queue/jobs.js';
import { JOB_NAMES } from '../../src/queue/names.js';
import { createServices, type Services } from '../../src/services.js';
import type { DigestOutcome } from '../../src/slack/threads/digest.js';
import { digestProcessor } from '../../workers/digest.js';
import { createNotebook, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { deletePrefix, REDIS_URL, testRedis, uniquePrefix } from '../queue/redis.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { SlackStandin } from '../support/slack-standin/index.js';

/**
 * The daily digest split by ROUTING_FILE: the default channel keeps the whole picture, each routed channel gets the
 * digest of what it owns (tags read for tag rules), and a fix is reported in the channel where the finding was open.
 */

useFakeCredentials();
const A = '111111111111';
const WHOLE = 'C0DIGEST';
const FRAUD = 'C0FRAUD';
const EU = 'C0EU';
const dir = mkdtempSync(join(tmpdir(), 'digest-split-'));
const ROUTES = join(dir, 'routes.json');
writeFileSync(
  ROUTES,
  JSON.stringify({
    default: { channel: WHOLE },
    routes: [
      { name: 'fraud', match: { tags: { team: 'fraud' } }, channel: FRAUD },
      { name: 'eu', match: { regions: ['eu-west-1'] }, channel: EU },
    ],
  }),
);

let aws: AwsStandin | undefined;
let slack: SlackStandin | undefined;
let services: Services | undefined;
let prefix = '';

afterEach(async () => {
  await services?.close();
  const r = testRedis();
  await deletePrefix(r, prefix);
  await r.quit();
  await aws?.close();
  await slack?.close();
});

const digestOf = (channel: string) => slack!.messages(channel).filter((m) => !m.threadTs);
const mentions = (channel: string, name: string) => digestOf(channel).map((m) => JSON.stringify(m.blocks ?? []).includes(name));

describe('digest split by owner', () => {
  it('each routed channel gets what it owns; the default keeps everything; fixed is told where it was open', async () => {
    aws = await startAwsStandin();
    slack = await SlackStandin.start({ channels: [WHOLE, FRAUD, EU] });
    prefix = uniquePrefix('split');
    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      AUDIT_REGIONS: 'us-east-1,eu-west-1',
      AUDIT_ACCOUNTS: A,
      DIGEST_CHANNEL: WHOLE,
      ROUTING_FILE: ROUTES,
      LOG_LEVEL: 'silent',
    });
    services = createServices(config, pino({ level: 'silent' }), { clientFactory: factoryFor(aws), slackClientOptions: { retryConfig: { retries: 0 } } });
    await services.ready();
    const failing = { DirectInternetAccess: 'Enabled' };
    createNotebook(aws, A, 'us-east-1', 'nb-fraud', { ...failing, Tags: [{ Key: 'team', Value: 'fraud' }] });
    createNotebook(aws, A, 'eu-west-1', 'nb-eu', failing);
    createNotebook(aws, A, 'us-east-1', 'nb-other', failing);

    const proc = digestProcessor({
      config,
      slack: services.slack,
      state: services.worker.digestState,
      risks: services.worker.risks,
      runAudit: services.runAudit,
      routeResource: services.routeResource!,
      now: services.now,
    });
    const run = (data: DigestJobData) => proc({ id: 'd', name: JOB_NAMES.digest, data, opts: {} } as unknown as Job<DigestJobData, DigestOutcome>);

    const first = await run({});
    expect(first.routedChannels).toEqual([EU, FRAUD]);
    expect(mentions(WHOLE, 'nb-fraud')).toEqual([true]);
    expect(mentions(WHOLE, 'nb-eu')).toEqual([true]);
    expect(mentions(WHOLE, 'nb-other')).toEqual([true]);
    expect(mentions(FRAUD, 'nb-fraud')).toEqual([true]);
    expect(mentions(FRAUD, 'nb-eu')).toEqual([false]);
    expect(mentions(FRAUD, 'nb-other')).toEqual([false]);
    expect(mentions(EU, 'nb-eu')).toEqual([true]);
    expect(mentions(EU, 'nb-fraud')).toEqual([false]);
    // Each routed digest has its CSV in its thread, with only its own rows.
    const fraudFiles = [...slack.files.values()].filter((f) => f.channelId === FRAUD);
    expect(fraudFiles.map((f) => f.filename)).toEqual([expect.stringMatching(/\.csv$/)]);
    expect(fraudFiles[0]!.bytes.toString('utf8')).toContain('nb-fraud');
    expect(fraudFiles[0]!.bytes.toString('utf8')).not.toContain('nb-other');
    expect([...slack.files.values()].filter((f) => f.channelId === WHOLE).map((f) => f.filename)).toEqual([expect.stringMatching(/\.csv$/), expect.stringMatching(/\.png$/)]);

    // Fixed outside the bot: the fraud channel hears it was fixed, the EU channel hears nothing about it.
    aws.region(A, 'us-east-1').table('notebook-instance').get('nb-fraud')!.input.DirectInternetAccess = 'Disabled';
    const second = await run({});
    expect(second.fixedCount).toBe(1);
    expect(slack.messages(FRAUD).filter((m) => !m.threadTs)[1]!.text).toMatch(/, 0 new, 1 fixed$/);
    expect(slack.messages(EU).filter((m) => !m.threadTs)[1]!.text).toMatch(/, 0 new, 0 fixed$/);

    // An on-demand digest answers only the channel that asked.
    const asked = await run({ channelId: EU, requestedBy: 'U0ASKER' });
    expect(asked.routedChannels).toBeUndefined();
    expect(digestOf(FRAUD)).toHaveLength(2);
  }, 60_000);
});
