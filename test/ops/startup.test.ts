import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../queue/redis.js';
import { startApp } from '../support/app-process.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server.js';
import { SlackStandin } from '../support/slack-standin/index.js';

/**
 * Start-up checks, tried as an operator meets them: `npm start` (src/main.ts) with one thing wrong. Each stops the
 * process with exit 2 and one line naming what to change: no stack, no uncaught exception, nothing served. (A bad
 * DIGEST_TZ or REDIS_URL takes the same path as DIGEST_CRON; their messages are tested in test/queue/producers.test.ts
 * and test/config.test.ts without starting a process each.)
 */
let standin: SlackStandin;
let evicting: RedisServer;
let locked: RedisServer;
beforeAll(async () => {
  standin = await SlackStandin.start();
  evicting = await startRedisServer({ args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'] });
  locked = await startRedisServer({ args: ['--requirepass', 'the-right-password'] });
});
afterAll(async () => {
  await standin?.close();
  await evicting?.close();
  await locked?.close();
});

const base = () => ({
  SLACK_BOT_TOKEN: standin.botToken,
  SLACK_SIGNING_SECRET: 'startup-test-secret',
  SLACK_API_URL: standin.apiUrl,
  REDIS_URL,
  QUEUE_PREFIX: 'startup-test',
  AUDIT_REGIONS: 'us-east-1',
  LOG_LEVEL: 'info',
});

/** Runs the app to its exit; the lines it printed that say something (not blank). */
async function refused(env: Record<string, string>): Promise<{ code: number | null; lines: string[]; output: string }> {
  const p = startApp('src/main.ts', { ...base(), PORT: String(await freePort()), ...env });
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 90_000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, lines: p.lines().map((l) => l.text).filter((l) => l.trim() !== ''), output: p.output() };
}

describe.concurrent('start-up checks: one line naming the variable, exit 2', () => {
  it('DIGEST_CRON that the scheduler cannot parse', { timeout: 120_000 }, async () => {
    const r = await refused({ DIGEST_CHANNEL: 'C0DIGEST', DIGEST_CRON: 'not a cron' });
    expect(r.code, r.output).toBe(2);
    expect(r.lines).toEqual(['Invalid configuration:', '  - DIGEST_CRON is not a cron pattern (minute hour day-of-month month day-of-week): Invalid characters, got value: a']);
  });

  it('a SLACK_BOT_TOKEN that Slack refuses (auth.test at start), the token itself not printed', { timeout: 120_000 }, async () => {
    const r = await refused({ SLACK_BOT_TOKEN: 'xoxb-0000-wrong-token' });
    expect(r.code, r.output).toBe(2);
    const fatal = r.lines.filter((l) => l.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    expect(JSON.parse(fatal[0]!)).toMatchObject({ code: 'SLACK_TOKEN_REJECTED', msg: "SLACK_BOT_TOKEN is not accepted by Slack (invalid_auth); set the app's Bot User OAuth Token (xoxb-…)" });
    expect(r.lines.every((l) => l.startsWith('{'))).toBe(true);
    expect(r.output).not.toContain('xoxb-0000-wrong-token');
    expect(standin.callsTo('auth.test').length).toBeGreaterThanOrEqual(1);
  });

  it('a Redis whose maxmemory-policy may evict keys', { timeout: 120_000 }, async () => {
    const r = await refused({ REDIS_URL: evicting.url });
    expect(r.code, r.output).toBe(2);
    const fatal = r.lines.filter((l) => l.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    expect(JSON.parse(fatal[0]!)).toMatchObject({
      code: 'REDIS_EVICTION_POLICY',
      msg: `redis://127.0.0.1:${evicting.port} has maxmemory-policy allkeys-lru: it may evict queued jobs, locks and approvals; set maxmemory-policy noeviction on the Redis server`,
    });
    expect(r.output).not.toMatch(/IMPORTANT! Eviction policy/);
    expect(r.lines.every((l) => l.startsWith('{'))).toBe(true);
  });

  it('Redis down at start: one line, exit 1 (an outage, not a setting: the supervisor tries again)', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const r = await refused({ REDIS_URL: `redis://app:not-printed@127.0.0.1:${port}` });
    expect(r.code, r.output).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(JSON.parse(r.lines[0]!)).toMatchObject({ code: 'QUEUE_UNAVAILABLE', msg: `redis://127.0.0.1:${port} does not answer after 10000 ms; check REDIS_URL and that Redis is running` });
    expect(r.output).not.toContain('not-printed');
  });

  it('a Redis password the server refuses, the password not printed', { timeout: 120_000 }, async () => {
    const r = await refused({ REDIS_URL: `redis://127.0.0.1:${locked.port}`, REDIS_PASSWORD: 'a-wrong-password' });
    expect(r.code, r.output).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(JSON.parse(r.lines[0]!)).toMatchObject({
      code: 'REDIS_AUTH',
      msg: `redis://127.0.0.1:${locked.port} refused the credentials (WRONGPASS); check the user and password in REDIS_URL or REDIS_USERNAME / REDIS_PASSWORD`,
    });
    expect(r.output).not.toContain('a-wrong-password');
  });
});
