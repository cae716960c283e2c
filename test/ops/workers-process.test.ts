import { fork } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { askWorkers, ipcLink } from '../../src/ops/workers-link.js';
import { deletePrefix, REDIS_URL, testRedis, uniquePrefix } from '../queue/redis.js';
import { pollUntil, startApp } from '../support/app-process.js';
import { freePort } from '../support/redis-server.js';
import { SlackStandin } from '../support/slack-standin/index.js';

/**
 * workers/main.ts as an operator runs it: alone (`npm run start:workers`), it serves /healthz, /readyz and /metrics on
 * PORT; started by another process with an IPC channel, it answers that process's metrics and readiness questions
 * over the channel instead of taking the port.
 */
const redis = testRedis();
const prefixes: string[] = [];
let standin: SlackStandin;
afterAll(async () => {
  for (const p of prefixes) await deletePrefix(redis, p);
  await redis.quit();
  await standin?.close();
});

async function env(): Promise<Record<string, string>> {
  standin ??= await SlackStandin.start();
  const prefix = uniquePrefix('workers-process');
  prefixes.push(prefix);
  return {
    SLACK_BOT_TOKEN: standin.botToken,
    SLACK_SIGNING_SECRET: 'workers-process-secret',
    SLACK_API_URL: standin.apiUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    AUDIT_REGIONS: 'us-east-1',
    PORT: String(await freePort()),
    LOG_LEVEL: 'info',
  };
}

describe('the workers process', () => {
  it('alone: /readyz names Redis, the workers and Slack; /metrics has the queue gauges', { timeout: 120_000 }, async () => {
    const e = await env();
    const p = startApp('workers/main.ts', e);
    try {
      const ready = await pollUntil(`http://127.0.0.1:${e.PORT}/readyz`, 200, 90_000);
      expect(ready.status, p.output()).toBe(200);
      expect(JSON.parse(ready.body)).toEqual({ ready: true, checks: { redis: 'ok', workers: 'ok', slack: 'ok' } });
      expect((await fetch(`http://127.0.0.1:${e.PORT}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${e.PORT}/metrics`)).text();
      for (const queue of ['audit', 'remediation', 'digest', 'risks']) {
        expect(metrics).toContain(`sagemaker_audit_queue_jobs{queue="${queue}",state="waiting"} 0`);
        expect(metrics).toContain(`sagemaker_audit_queue_oldest_waiting_seconds{queue="${queue}"} 0`);
      }
      expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect((await fetch(`http://127.0.0.1:${e.PORT}/slack/events`, { method: 'POST' })).status).toBe(404);
    } finally {
      expect(await p.stop()).toBe(0);
    }
  });

  it('started with an IPC channel: answers metrics and readiness over it and leaves PORT alone', { timeout: 120_000 }, async () => {
    const e = await env();
    const child = fork('workers/main.ts', [], { execArgv: ['--import', 'tsx'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...e }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      for (let i = 0; i < 900 && !output.includes('"msg":"workers started"'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain('"msg":"workers started"');
      const workers = askWorkers(ipcLink(child), 5000);
      await expect(workers.readiness()).resolves.toBeUndefined();
      const [snapshot] = (await workers.metrics()) as { name: string }[][];
      expect(snapshot!.map((m) => m.name)).toEqual(expect.arrayContaining(['sagemaker_audit_audits_total', 'sagemaker_audit_aws_requests_total', 'sagemaker_audit_remediation_jobs_total']));
      expect(await fetch(`http://127.0.0.1:${e.PORT}/healthz`).then(() => 'answered', () => 'nothing listens')).toBe('nothing listens');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
