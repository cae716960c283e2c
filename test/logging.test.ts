import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';

/**
 * The logger blanks secrets wherever they sit in a line: errors as the SDKs shape them (ioredis's failed command and
 * its arguments, a Slack client error carrying request headers, AWS credentials), payloads with response_urls, a
 * Redis URL in a message, JSON nested in a string, form bodies. Each case is logged through pino as the app logs.
 */
const BOT = 'xoxb-111-222-abcdefABCDEF';
const SIGNING = 'signing-secret-7c1e';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const RESPONSE_URL = 'https://hooks.slack.com/actions/T0/123/abcDEF';

function capture(secrets: string[] = [BOT, SIGNING, AWS_SECRET]): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', base: { service: 'test' }, secrets }, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

describe('createLogger', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer({ args: ['--requirepass', 'the-real-password'] });
  });
  afterAll(async () => {
    await redis.close();
  });

  it("blanks the arguments ioredis attaches to a failed command (AUTH's is the password)", async () => {
    const client = new Redis({ port: redis.port, password: 'wrong-but-still-secret', retryStrategy: () => null, maxRetriesPerRequest: 0 });
    const err = await new Promise<Error>((resolve) => client.once('error', resolve));
    client.disconnect();
    expect(JSON.stringify(err)).toContain('wrong-but-still-secret'); // as ioredis hands it over
    const { logger, lines } = capture();
    logger.error({ err }, 'Redis error');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('wrong-but-still-secret');
    expect(JSON.parse(lines[0]!).err.command).toEqual({ name: 'auth', args: '[redacted]' });
  });

  it('blanks headers, tokens and credentials nested in errors, at any depth', () => {
    const { logger, lines } = capture();
    const original = Object.assign(new Error(`request to https://slack.com/api/chat.postMessage failed (token ${BOT})`), {
      config: { headers: { Authorization: `Bearer ${BOT}`, 'Content-Type': 'application/json' }, data: `token=${BOT}&channel=C1` },
      response: { request: { deep: { headers: { authorization: `Bearer ${BOT}` } } } },
    });
    const err = Object.assign(new Error('An API error occurred'), { original });
    logger.error({ err }, 'Slack listener failed');
    logger.warn({ credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'temp-secret-from-sts', sessionToken: 'FwoGZXIvYXdzEXAMPLE' } }, 'assumed');
    logger.info({ a: { b: { c: { Credentials: { SecretAccessKey: 'deep-temp-secret', SessionToken: 'deep-session' } } } } }, 'deep');
    logger.info(`the environment had AWS_SECRET_ACCESS_KEY=${AWS_SECRET} and SLACK_SIGNING_SECRET=${SIGNING}`);
    const all = lines.join('\n');
    for (const secret of [BOT, 'temp-secret-from-sts', 'FwoGZXIvYXdzEXAMPLE', 'deep-temp-secret', 'deep-session', AWS_SECRET, SIGNING]) expect(all, secret).not.toContain(secret);
    expect(all).toContain('An API error occurred');
    expect(all).toContain('application/json');
  });

  it('blanks response_urls in payloads, in JSON nested in a string, and in form bodies', () => {
    const { logger, lines } = capture();
    logger.debug({ body: { response_url: RESPONSE_URL, user: { id: 'U1' } } }, 'payload');
    logger.debug({ payload: { actions: [{ value: 'p1' }], container: { response_url: RESPONSE_URL } } }, 'deeper');
    logger.debug(`body: ${JSON.stringify({ response_url: RESPONSE_URL, responseUrl: RESPONSE_URL })}`);
    logger.debug({ raw: `command=%2Fsagemaker-audit&response_url=${encodeURIComponent(RESPONSE_URL)}&text=help` }, 'form');
    logger.debug({ nested: JSON.stringify({ inner: JSON.stringify({ response_url: RESPONSE_URL }) }) }, 'twice nested');
    const all = lines.join('\n');
    expect(all).not.toContain('hooks.slack.com');
    expect(all).not.toContain(encodeURIComponent(RESPONSE_URL));
    expect(lines.every((l) => JSON.parse(l) !== undefined)).toBe(true);
    expect(all).toContain('"id":"U1"');
  });

  it('blanks passwords in Redis URLs and Slack tokens it was not told about, by their shape', () => {
    const { logger, lines } = capture([]);
    logger.warn({ url: 'rediss://app:s3cr%40t@cache.internal:6380/0' }, 'connecting to redis://default:other-secret@10.0.0.5:6379');
    logger.warn('tokens xoxp-1-2-3-userToken and xapp-1-A0-2-appToken, xoxe.xoxp-1-refresh');
    const all = lines.join('\n');
    for (const secret of ['s3cr%40t', 'other-secret', 'xoxp-1-2-3-userToken', 'xapp-1-A0-2-appToken']) expect(all, secret).not.toContain(secret);
    expect(all).toContain('cache.internal:6380');
  });

  it('leaves lines without secrets as they are', () => {
    const { logger, lines } = capture();
    logger.info({ proposalId: 'p1', accountId: '111111111111', resourceArn: 'arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/nb' }, 'approved');
    expect(JSON.parse(lines[0]!)).toMatchObject({ proposalId: 'p1', accountId: '111111111111', resourceArn: 'arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/nb', msg: 'approved' });
  });
});
