import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { deletePrefix, REDIS_URL, testRedis, uniquePrefix } from '../queue/redis.js';
import { until } from '../remediation/harness.js';
import { freePort } from '../support/ports.js';
import { postSigned, SlackStandin, slashCommandBody } from '../support/slack-standin/index.js';

/** The built `src/main.ts` as a child process, as `npm start` and the image run it: web here, workers in a second process. */
const redis = testRedis();
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of prefixes) await deletePrefix(redis, p);
  await redis.quit();
});

function start(env: Record<string, string>, options: { ownProcessGroup?: boolean } = {}) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('entry point', () => {
  it('a configuration error prints one line per variable and exits 2', async () => {
    const p = start({ SLACK_BOT_TOKEN: 'not-a-bot-token', PORT: 'eighty' });
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('SLACK_BOT_TOKEN must be a bot token');
    expect(p.output()).toContain('SLACK_SIGNING_SECRET is required');
    expect(p.output()).toContain('PORT');
  });

  it('serves /healthz and a signed command, posts the outcome, and stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const standin = await SlackStandin.start();
    const prefix = uniquePrefix('main');
    prefixes.push(prefix);
    const port = 20000 + Math.floor(Math.random() * 30000);
    const p = start({
      SLACK_BOT_TOKEN: standin.botToken,
      SLACK_SIGNING_SECRET: 'main-test-secret',
      SLACK_API_URL: standin.apiUrl,
      PORT: String(port),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      AUDIT_REGIONS: 'us-east-1',
      AUDIT_ACCOUNTS: '111111111111',
      AWS_MAX_ATTEMPTS: '1',
      // No credentials and an endpoint nobody listens on: the audit fails fast, and says so in Slack.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_EC2_METADATA_DISABLED: 'true',
      LOG_LEVEL: 'info',
    });
    try {
      // Start-up starts a second process: seconds on a loaded 2-core machine, so wait up to 60 s.
      let status = 0;
      let exited = false;
      void p.exited.then(() => (exited = true));
      for (let i = 0; i < 600 && status !== 200 && !exited; i++) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status, p.output()).toBe(200);
      const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, 'main-test-secret', slashCommandBody({ text: 'control=SageMaker.3', responseUrl: standin.responseUrl('main') }));
      expect(res.status).toBe(200);
      await standin.waitFor(() => standin.messages('C0AUDIT').some((m) => m.history.length > 0), 20_000);
      const [message] = standin.messages('C0AUDIT');
      expect(message!.history[0]!.text).toContain('Auditing');
      expect(message!.text).not.toContain('Auditing');
      expect(p.output()).toContain('workers started in their own process');
      expect(p.output()).toContain('"role":"workers"');
    } finally {
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.output()).toMatch(/"role":"all".*"msg":"stopped"/);
      expect(p.output()).toMatch(/"role":"workers".*"msg":"stopped"/);
      await standin.close();
    }
  });

  it('the workers run in a second process at a lower priority, which does not outlive its parent: a SIGKILLed web process takes it down', { timeout: 120_000 }, async () => {
    const standin = await SlackStandin.start();
    const prefix = uniquePrefix('main-orphan');
    prefixes.push(prefix);
    const port = await freePort();
    const p = start({ SLACK_BOT_TOKEN: standin.botToken, SLACK_SIGNING_SECRET: 'main-test-secret', SLACK_API_URL: standin.apiUrl, PORT: String(port), REDIS_URL, QUEUE_PREFIX: prefix, AWS_REGION: 'us-east-1' });
    try {
      await until(() => p.output().includes('workers started in their own process'), 60_000, 'the app to start');
      const pid = p.child.pid!;
      const [workers] = readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number));
      expect(readFileSync(`/proc/${workers}/cmdline`, 'utf8')).toContain('dist/workers/main.js');
      // At a lower priority than the web side (WORKERS_NICE, default 10): /proc/<pid>/stat field 19 is the nice value.
      const nice = (p: number): number => Number(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[16]);
      expect(nice(workers!) - nice(pid)).toBe(10);
      // …in the same scheduler autogroup (a new session would get its own, and the nice value would rank it only there).
      const autogroup = (p: number): string => (existsSync(`/proc/${p}/autogroup`) ? readFileSync(`/proc/${p}/autogroup`, 'utf8').split(' ')[0]! : 'none');
      expect(autogroup(workers!)).toBe(autogroup(pid));
      p.child.kill('SIGKILL');
      await p.exited;
      const alive = (): boolean => {
        try {
          return !readFileSync(`/proc/${workers}/stat`, 'utf8').split(' ')[2]!.startsWith('Z');
        } catch {
          return false;
        }
      };
      await until(() => !alive(), 10_000, 'the workers process to exit');
      expect(p.output()).toMatch(/"role":"workers".*"reason":"parent process exited"/);
    } finally {
      await standin.close();
    }
  });

  it('SIGTERM to the whole process group (systemd, timeout) stops web and workers once each, gracefully', { timeout: 120_000 }, async () => {
    const standin = await SlackStandin.start();
    const prefix = uniquePrefix('main-group');
    prefixes.push(prefix);
    const p = start({ SLACK_BOT_TOKEN: standin.botToken, SLACK_SIGNING_SECRET: 'main-test-secret', SLACK_API_URL: standin.apiUrl, PORT: String(await freePort()), REDIS_URL, QUEUE_PREFIX: prefix, AWS_REGION: 'us-east-1' }, { ownProcessGroup: true });
    try {
      await until(() => p.output().includes('workers started in their own process'), 60_000, 'the app to start');
      process.kill(-p.child.pid!, 'SIGTERM');
      expect(await p.exited, p.output()).toBe(0);
      await until(() => /"role":"workers".*"msg":"stopped"/.test(p.output()), 10_000, 'the workers to stop');
      expect(p.output()).not.toContain('did not finish in time');
    } finally {
      await standin.close();
    }
  });
});
