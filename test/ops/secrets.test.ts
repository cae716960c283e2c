import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { pollUntil, startApp, type AppProcess } from '../support/app-process.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server.js';
import { blockActionsBody, postSigned, SlackStandin, slashCommandBody } from '../support/slack-standin/index.js';
import { buttons } from '../slack/harness.js';

/**
 * No secret in a log line or in Redis. `npm start` (src/main.ts) at LOG_LEVEL=trace runs a whole day's worth of work
 * against the stand-ins: an audit from a signed command, a fix approved and run, a refused click, a replayed request,
 * a badly signed one, a digest, a Slack rate limit, AWS calls denied, the Redis password rotated under it (every
 * reconnection refused with an error that carries the password) and set back. Then every line it printed, and every key and
 * value in its Redis (a password-protected redis-server of this test's own), is searched for each configured secret
 * (bot token, signing secret, Redis password, AWS secret key) and each response_url Slack handed out.
 */
const SIGNING_SECRET = 'e2e-signing-secret-3f9a1c7b5d';
const REDIS_PASSWORD = 'e2e-redis-password-8b2d4f6a';
const AWS_SECRET = 'e2e/AWS+secret/key0123456789abcdefABCDEF';
const CHANNEL = 'C0AUDIT';
const ACCOUNT = '111111111111';

let redis: RedisServer;
let aws: AwsStandin;
let standin: SlackStandin;
let app: AppProcess;
let events: string;
const responseUrls: string[] = [];

function responseUrl(id: string): string {
  const url = standin.responseUrl(id);
  responseUrls.push(url);
  return url;
}

/** Every key and every value in the server, as text. */
async function everythingInRedis(): Promise<string[]> {
  const client = new Redis({ port: redis.port, password: REDIS_PASSWORD });
  const out: string[] = [];
  try {
    for (const key of await client.keys('*')) {
      out.push(key);
      const type = await client.type(key);
      if (type === 'string') out.push((await client.get(key)) ?? '');
      else if (type === 'hash') out.push(...Object.entries(await client.hgetall(key)).flat());
      else if (type === 'list') out.push(...(await client.lrange(key, 0, -1)));
      else if (type === 'set') out.push(...(await client.smembers(key)));
      else if (type === 'zset') out.push(...(await client.zrange(key, 0, -1, 'WITHSCORES')));
      else if (type === 'stream') out.push(...(await client.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]));
      else throw new Error(`unexpected Redis type ${type} of ${key}`);
    }
  } finally {
    await client.quit();
  }
  return out;
}

beforeAll(async () => {
  redis = await startRedisServer({ appendOnly: true, args: ['--requirepass', REDIS_PASSWORD] });
  aws = await startAwsStandin({ defaultAccountId: ACCOUNT, transitionDelayMs: 10 });
  aws.invoke('CreateImage', { ImageName: 'img-untagged', RoleArn: `arn:aws:iam::${ACCOUNT}:role/images` }, { accountId: ACCOUNT, region: 'us-east-1' });
  aws.failNext('ListModels', { code: 'AccessDeniedException', message: 'not authorized to perform: sagemaker:ListModels', status: 400 }, { count: 1000 });
  standin = await SlackStandin.start({ channels: [CHANNEL] });
  standin.rateLimit('chat.postMessage', 1, 1);
  const port = await freePort();
  events = `http://127.0.0.1:${port}/slack/events`;
  app = startApp('src/main.ts', {
    SLACK_BOT_TOKEN: standin.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: standin.apiUrl,
    PORT: String(port),
    REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`,
    QUEUE_PREFIX: 'secrets',
    AUDIT_REGIONS: 'us-east-1',
    AUDIT_ACCOUNTS: ACCOUNT,
    APPROVERS: 'U0APPROVER',
    DIGEST_CHANNEL: CHANNEL,
    REQUIRED_TAG_KEYS: 'owner',
    REMEDIATION_TAGS: 'owner=platform',
    AWS_ACCESS_KEY_ID: 'AKIAE2ESECRETSTEST01',
    AWS_SECRET_ACCESS_KEY: AWS_SECRET,
    AWS_ENDPOINT_URL: aws.url,
    AWS_MAX_ATTEMPTS: '2',
    LOG_LEVEL: 'trace',
  });
  expect((await pollUntil(`http://127.0.0.1:${port}/readyz`, 200, 90_000)).status, app.output()).toBe(200);

  // An audit from a signed command; its proposal approved by a non-approver (refused), then by the approver.
  const command = slashCommandBody({ text: 'control=SageMaker.7', channelId: CHANNEL, userId: 'U0REQUESTER', responseUrl: responseUrl('audit') });
  expect((await postSigned(events, SIGNING_SECRET, command, { timestamp: Math.floor(Date.now() / 1000) })).status).toBe(200);
  await standin.waitFor(() => standin.messages(CHANNEL).some((m) => standin.thread(CHANNEL, m.ts).some((t) => buttons(t).length > 0)), 60_000);
  const proposal = standin.messages(CHANNEL).flatMap((m) => standin.thread(CHANNEL, m.ts)).find((m) => buttons(m).some((b) => b.action_id === ACTION_IDS.approve))!;
  const proposalId = buttons(proposal).find((b) => b.action_id === ACTION_IDS.approve)!.value;
  const click = (user: string, id: string) =>
    postSigned(events, SIGNING_SECRET, blockActionsBody({ actionId: ACTION_IDS.approve, value: proposalId, userId: user, messageTs: proposal.ts, channelId: CHANNEL, responseUrl: responseUrl(id) }));
  await click('U0OUTSIDER', 'refused');
  await click('U0APPROVER', 'approved');
  await standin.waitFor(() => aws.callCount('AddTags') > 0, 60_000);

  // The same signed request again (a replay), and one signed with another secret.
  const replayed = slashCommandBody({ text: 'help', channelId: CHANNEL, userId: 'U0REQUESTER', responseUrl: responseUrl('replay') });
  const at = Math.floor(Date.now() / 1000);
  await postSigned(events, SIGNING_SECRET, replayed, { timestamp: at });
  await postSigned(events, SIGNING_SECRET, replayed, { timestamp: at });
  expect((await postSigned(events, 'not-the-signing-secret', slashCommandBody({ text: 'help', responseUrl: responseUrl('forged') }))).status).toBe(401);

  // A digest (a full audit with a denied operation).
  await postSigned(events, SIGNING_SECRET, slashCommandBody({ text: 'digest', channelId: CHANNEL, userId: 'U0REQUESTER', responseUrl: responseUrl('digest') }));
  await app.waitForLine(/"msg":"digest posted"/, 90_000);
  await standin.waitFor(() => aws.callCount('AddTags') === 1, 30_000);

  // The Redis password rotated under the running app (its connections dropped): every reconnection is refused with
  // WRONGPASS, an error whose command arguments are the configured password. Then the password is set back.
  const admin = new Redis({ port: redis.port, password: REDIS_PASSWORD });
  const rotatedAt = Date.now();
  await admin.config('SET', 'requirepass', 'rotated-password-0000');
  await admin.client('KILL', 'TYPE', 'normal');
  await app.waitForLine(/Redis is unreachable/, 30_000, rotatedAt);
  await new Promise((r) => setTimeout(r, 1000));
  const restored = new Redis({ port: redis.port, password: 'rotated-password-0000' });
  await restored.config('SET', 'requirepass', REDIS_PASSWORD);
  await restored.quit();
  admin.disconnect();
  await app.waitForLine(/Redis is reachable again/, 30_000, rotatedAt);
}, 240_000);

// Stopping waits for the workers (seconds on a loaded machine; 174 ms alone).
afterAll(async () => {
  await app?.stop();
  await standin?.close();
  await aws?.close();
  await redis?.close();
}, 90_000);

describe('no secret in a log line or in Redis, after an end-to-end run', () => {
  it('the run did the work it was asked to (so the search covers real traffic)', () => {
    expect(aws.callCount('AddTags')).toBe(1);
    expect(standin.ephemerals.some((e) => e.user === 'U0OUTSIDER')).toBe(true);
    expect(app.lines().length).toBeGreaterThan(100);
    expect(app.output()).toContain('"msg":"digest posted"');
  });

  it('no log line holds a secret or a response_url', () => {
    const lines = app.lines().map((l) => l.text);
    const secrets = [standin.botToken, SIGNING_SECRET, REDIS_PASSWORD, AWS_SECRET, ...responseUrls, '/response/'];
    for (const secret of secrets) expect(lines.filter((l) => l.includes(secret)).slice(0, 3), secret).toEqual([]);
    expect(lines.filter((l) => /xox[bpa]-/.test(l)).slice(0, 3)).toEqual([]);
  });

  it('no Redis key or value holds a secret or a response_url', async () => {
    const stored = await everythingInRedis();
    expect(stored.length).toBeGreaterThan(50);
    for (const secret of [standin.botToken, SIGNING_SECRET, REDIS_PASSWORD, AWS_SECRET, 'AKIAE2ESECRETSTEST01', ...responseUrls, '/response/']) {
      expect(stored.filter((v) => v.includes(secret)).slice(0, 3), secret).toEqual([]);
    }
  });
});
