import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logging.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { createNotebook, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { pollUntil } from '../support/app-process.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { APPROVER, buttons, CHANNEL, eventually, startHarness, type Harness } from '../slack/harness.js';

/**
 * Redis killed in the middle of a fix and started again from its append-only file, with the real receiver, the real
 * workers, the real engine against the AWS stand-in and a redis-server of this test's own (appendonly yes, as the
 * production guide asks). The app reconnects by itself; /readyz goes red then green; an Approve click while Redis is
 * away is answered "not recorded" and changes nothing; the fix that was running finishes once, no step repeated; the
 * approval made before the crash is not lost.
 */
const ACCOUNT = '111111111111';
let aws: AwsStandin;
let redis: RedisServer;
let h: Harness;
const logLines: string[] = [];
const consoleErrors: unknown[][] = [];

/** Pending proposals in the audit's thread, by notebook name. */
function proposalsByNotebook(): Record<string, { id: string; ts: string }> {
  const out: Record<string, { id: string; ts: string }> = {};
  for (const channelMessage of h.standin.messages(CHANNEL)) {
    for (const m of h.standin.thread(CHANNEL, channelMessage.ts)) {
      const approve = buttons(m).find((b) => b.action_id === ACTION_IDS.approve);
      const name = /nb-crash-\d/.exec(JSON.stringify(m.blocks))?.[0];
      if (approve && name) out[name] = { id: approve.value, ts: m.ts };
    }
  }
  return out;
}
const mutations = (notebook: string, operation: string): number =>
  aws.calls.filter((c) => c.operation === operation && (c.input as { NotebookInstanceName?: string }).NotebookInstanceName === notebook && c.status === 200).length;

beforeAll(async () => {
  useFakeCredentials();
  redis = await startRedisServer({ appendOnly: true });
  aws = await startAwsStandin({ defaultAccountId: ACCOUNT, transitionDelayMs: 10 });
  process.env.AWS_ENDPOINT_URL = aws.url;
  for (const name of ['nb-crash-1', 'nb-crash-2']) createNotebook(aws, ACCOUNT, 'us-east-1', name, { RootAccess: 'Enabled' });
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void consoleErrors.push(args));
  const logger = createLogger({ level: 'info', base: {}, secrets: [] }, { write: (line: string) => void logLines.push(line) });
  h = await startHarness({ workers: true, clientFactory: factoryFor(aws), env: { AUDIT_ACCOUNTS: ACCOUNT, REDIS_URL: redis.url }, logger });
  await h.command('control=SageMaker.3', { responseId: 'audit' });
  await eventually(() => Object.keys(proposalsByNotebook()).length === 2, 30_000, 'two proposals in the thread');
}, 90_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await h?.close();
  await aws?.close();
  await redis?.close();
  delete process.env.AWS_ENDPOINT_URL;
});

describe('Redis killed mid-fix and restarted from its append-only file', () => {
  it('reconnects by itself, loses no approval, runs no step twice, and tells a click during the outage it was not recorded', { timeout: 120_000 }, async () => {
    const { 'nb-crash-1': first, 'nb-crash-2': second } = proposalsByNotebook();
    expect((await pollUntil(`${h.baseUrl}/readyz`, 200, 5000)).status).toBe(200);

    // The first fix starts and waits for its notebook to stop: Redis dies meanwhile.
    aws.delays.notebookStopping = 3000;
    expect((await h.click('approve', first!.id, APPROVER, first!.ts)).status).toBe(200);
    await eventually(() => mutations('nb-crash-1', 'StopNotebookInstance') === 1, 20_000, 'the first fix to stop its notebook');
    const killedAt = Date.now();
    await redis.kill('SIGKILL');

    const down = await pollUntil(`${h.baseUrl}/readyz`, 503, 10_000);
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toMatchObject({ ready: false, checks: { redis: expect.stringMatching(/^Redis unreachable/) } });
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);

    // An approval while Redis is away: acknowledged at once, answered "not recorded", nothing decided.
    const click = await h.click('approve', second!.id, APPROVER, second!.ts, 'click-during-outage');
    expect(click.status).toBe(200);
    expect(click.ms).toBeLessThan(3000);
    await h.standin.waitFor(() => h.standin.responses('click-during-outage').length > 0, 10_000);
    expect(h.standin.responses('click-during-outage')).toEqual([
      { response_type: 'ephemeral', replace_original: false, text: ':warning: Your click was not recorded: the job queue (Redis) is unavailable, so nothing changed. Try again in a minute.' },
    ]);

    await new Promise((r) => setTimeout(r, 2000));
    await redis.restart();
    expect((await pollUntil(`${h.baseUrl}/readyz`, 200, 30_000)).status).toBe(200);

    // The fix that was running when Redis died finishes, each step once.
    await eventually(async () => (await h.services.web.proposals.get(first!.id))?.state.status === 'succeeded', 60_000, 'the first fix to succeed');
    for (const op of ['StopNotebookInstance', 'UpdateNotebookInstance', 'StartNotebookInstance']) expect(mutations('nb-crash-1', op), op).toBe(1);
    const firstTrail = await h.services.web.trail.history({ resource: first!.id, limit: 100 });
    expect(firstTrail.filter((e) => e.type === 'approved')).toHaveLength(1);
    expect(firstTrail.filter((e) => e.type === 'step-started').map((e) => e.detail?.split(':')[0]).sort()).toEqual(['start', 'stop', 'update', 'wait-in-service', 'wait-stopped']);
    const [job] = await h.remediationJobs();
    expect(job!.data.proposalId).toBe(first!.id);

    // The click made during the outage decided nothing; the same click now does, and its fix runs once.
    expect((await h.services.web.proposals.get(second!.id))?.state.status).toBe('pending');
    expect(mutations('nb-crash-2', 'StopNotebookInstance')).toBe(0);
    aws.delays.notebookStopping = 10;
    await h.click('approve', second!.id, APPROVER, second!.ts);
    await eventually(async () => (await h.services.web.proposals.get(second!.id))?.state.status === 'succeeded', 60_000, 'the second fix to succeed');
    for (const op of ['StopNotebookInstance', 'UpdateNotebookInstance', 'StartNotebookInstance']) expect(mutations('nb-crash-2', op), op).toBe(1);

    // The outage in the log: once when it began, once when it ended; nothing printed raw.
    const lines = logLines.map((l) => JSON.parse(l) as { msg: string; time: number });
    expect(lines.filter((l) => l.msg.startsWith('Redis is unreachable'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'Redis is reachable again')).toHaveLength(1);
    expect(lines.filter((l) => l.time >= killedAt).length).toBeLessThan(15);
    expect(consoleErrors).toEqual([]);
  });
});
