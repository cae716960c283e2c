import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES, SCHEDULER_IDS } from '../../src/queue/names.js';
import { pollUntil, startApp, type AppProcess } from '../support/app-process.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server.js';
import { postSigned, SlackStandin, slashCommandBody } from '../support/slack-standin/index.js';

/**
 * `npm start` (src/main.ts: web here, workers in a thread) on a Redis of this test's own, without persistence. The
 * Redis process is killed and started again empty, as an operator's Redis restarts after a crash:
 * - the outage is one JSON line per thread when it starts and one when it ends, nothing raw on the console;
 * - /healthz stays 200, /readyz goes 503 (naming Redis) and back to 200 by itself;
 * - the job schedulers lost with Redis's data are there again without a restart;
 * - /metrics serves both threads' figures.
 */
const SECRET = 'outage-process-signing-secret';
let redis: RedisServer;
let standin: SlackStandin;
let app: AppProcess;
let port: number;
const prefix = `outage-${Date.now().toString(36)}`;

beforeAll(async () => {
  redis = await startRedisServer();
  standin = await SlackStandin.start({ channels: ['C0AUDIT', 'C0DIGEST'] });
  port = await freePort();
  app = startApp('src/main.ts', {
    SLACK_BOT_TOKEN: standin.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: standin.apiUrl,
    PORT: String(port),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    AUDIT_REGIONS: 'us-east-1',
    AUDIT_ACCOUNTS: '111111111111',
    DIGEST_CHANNEL: 'C0DIGEST',
    AWS_MAX_ATTEMPTS: '1',
    // No credentials and an endpoint nobody listens on: the audit ends at once (and says so in Slack).
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'info',
  });
  const ready = await pollUntil(`http://127.0.0.1:${port}/readyz`, 200, 90_000);
  expect(ready.status, app.output()).toBe(200);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await standin?.close();
  await redis?.close();
});

const base = () => `http://127.0.0.1:${port}`;

/** Jobs of the audit queue that ended (completed or failed). */
async function auditsEnded(): Promise<number> {
  const connection = new Redis({ port: redis.port, maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAMES.audit, { connection, prefix });
  try {
    const counts = await queue.getJobCounts('completed', 'failed');
    return (counts.completed ?? 0) + (counts.failed ?? 0);
  } finally {
    await queue.close();
    await connection.quit();
  }
}

async function schedulers(): Promise<string[]> {
  const connection = new Redis({ port: redis.port, maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAMES.digest, { connection, prefix });
  const risks = new Queue(QUEUE_NAMES.risks, { connection, prefix });
  try {
    return [...(await queue.getJobSchedulers()), ...(await risks.getJobSchedulers())].map((s) => s.key).sort();
  } finally {
    await queue.close();
    await risks.close();
    await connection.quit();
  }
}

describe('npm start through a Redis crash and an empty restart', () => {
  it('is ready with Redis, Slack and the workers thread; /metrics has both threads', { timeout: 60_000 }, async () => {
    const ready = JSON.parse((await pollUntil(`${base()}/readyz`, 200)).body) as { checks: Record<string, string> };
    expect(ready.checks).toEqual({ redis: 'ok', slack: 'ok', workers: 'ok' });
    expect(await schedulers()).toEqual([SCHEDULER_IDS.digest, SCHEDULER_IDS.riskExpiry].sort());

    // An audit runs in the workers thread: its count can only reach /metrics through the thread.
    const res = await postSigned(`${base()}/slack/events`, SECRET, slashCommandBody({ text: 'control=SageMaker.3', channelId: 'C0AUDIT', responseUrl: standin.responseUrl('m') }));
    expect(res.status).toBe(200);
    await standin.waitFor(() => standin.messages('C0AUDIT').some((m) => m.history.length > 0), 30_000);
    for (let i = 0; i < 200 && (await auditsEnded()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await auditsEnded()).toBe(1);
    const metrics = await (await fetch(`${base()}/metrics`)).text();
    expect(metrics).toMatch(/^sagemaker_audit_audits_total\{outcome="(complete|incomplete|failed)"\} 1$/m);
    expect(metrics).toMatch(/^sagemaker_audit_slack_api_calls_total\{method="chat.postMessage",outcome="ok",error=""\} [1-9]/m);
    expect(metrics).toMatch(/^sagemaker_audit_redis_up 1$/m);
    expect(metrics).toMatch(/^sagemaker_audit_queue_jobs\{queue="remediation",state="waiting"\} 0$/m);
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('logs the outage once and the recovery once, answers /readyz 503 then 200, and re-creates the schedulers', { timeout: 120_000 }, async () => {
    const killedAt = Date.now();
    await redis.kill('SIGKILL');
    const down = await pollUntil(`${base()}/readyz`, 503, 10_000);
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toMatchObject({ ready: false, checks: { redis: expect.stringMatching(/^Redis unreachable/), slack: 'ok' } });
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base()}/metrics`)).text()).toMatch(/^sagemaker_audit_redis_up 0$/m);
    // Several seconds of outage: ioredis retries every connection many times meanwhile.
    await new Promise((r) => setTimeout(r, 4000));
    const during = app.lines().filter((l) => l.at >= killedAt);

    await redis.restart(); // empty: no persistence
    const restartedAt = Date.now();
    expect((await pollUntil(`${base()}/readyz`, 200, 60_000)).status).toBe(200);
    await app.waitForLine(/"msg":"Redis is reachable again"/, 30_000, restartedAt);
    for (let i = 0; i < 100 && (await schedulers()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await schedulers()).toEqual([SCHEDULER_IDS.digest, SCHEDULER_IDS.riskExpiry].sort());

    const all = app.lines().filter((l) => l.at >= killedAt && l.text.trim() !== '');
    expect(all.filter((l) => !l.text.startsWith('{')).map((l) => l.text)).toEqual([]);
    const messages = all.map((l) => JSON.parse(l.text) as { msg: string; role: string; level: number });
    // One thread is the web side ("all"), one the workers: each says it once.
    const unreachable = messages.filter((m) => m.msg.startsWith('Redis is unreachable'));
    expect(unreachable.map((m) => m.role).sort()).toEqual(['all', 'workers']);
    const back = messages.filter((m) => m.msg === 'Redis is reachable again');
    expect(back.map((m) => m.role).sort()).toEqual(['all', 'workers']);
    expect(during.length).toBeLessThan(10);
    expect(messages.filter((m) => m.level >= 50)).toEqual([]);
  });

  it('stops cleanly on SIGTERM afterwards', { timeout: 60_000 }, async () => {
    expect(await app.stop()).toBe(0);
    expect(app.output()).toContain('"msg":"stopped"');
  });
});
