import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { createNotebook, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import type { StoredMessage } from '../support/slack-standin/index.js';
import { APPROVER, buttons, CHANNEL, eventually, REQUESTER, startHarness, type Harness } from './harness.js';

/**
 * The app in Socket Mode (SLACK_APP_TOKEN) against the Slack stand-in's WebSocket: the real Bolt app as
 * src/slack/app.ts builds it, real workers, the real engine against the AWS stand-in, a redis-server of this test's
 * own. Commands and clicks arrive as envelopes and are acked over the socket; threads are posted through the Web API;
 * a dropped socket reconnects; the operator routes answer on PORT.
 */
const ACCOUNT = '111111111111';
let aws: AwsStandin;
let redis: RedisServer;
let h: Harness;

/** The audits' status messages that became summaries ("⏳ Auditing…" first). */
const summaries = (): StoredMessage[] => h.standin.messages(CHANNEL).filter((m) => (m.text ?? '').startsWith('SageMaker audit:') && m.history.length > 0);
function pendingProposals(): { id: string; ts: string }[] {
  return h.standin
    .messages(CHANNEL)
    .flatMap((m) => h.standin.thread(CHANNEL, m.ts))
    .flatMap((m) => buttons(m).filter((b) => b.action_id === ACTION_IDS.approve).map((b) => ({ id: b.value, ts: m.ts })));
}

beforeAll(async () => {
  useFakeCredentials();
  aws = await startAwsStandin({ defaultAccountId: ACCOUNT, transitionDelayMs: 10 });
  process.env.AWS_ENDPOINT_URL = aws.url;
  for (const name of ['nb-socket-1', 'nb-socket-2']) createNotebook(aws, ACCOUNT, 'us-east-1', name, { RootAccess: 'Enabled' });
  redis = await startRedisServer();
  h = await startHarness({ socketMode: true, workers: true, clientFactory: factoryFor(aws), env: { AUDIT_ACCOUNTS: ACCOUNT, REDIS_URL: redis.url } });
  await h.standin.socketMode.waitForConnection();
}, 60_000);

afterAll(async () => {
  await h?.close();
  await aws?.close();
  await redis?.close();
  delete process.env.AWS_ENDPOINT_URL;
});

describe('Socket Mode', () => {
  it('acks a slash command over the socket at once and posts the audit thread', { timeout: 60_000 }, async () => {
    const { ackMs, ack } = await h.standin.socketMode.sendSlashCommand({ text: 'control=SageMaker.3', userId: REQUESTER, channelId: CHANNEL });
    expect(ack.problem).toBeNull();
    expect(ackMs).toBeLessThan(1000);
    await eventually(() => summaries().length === 1 && pendingProposals().length === 2, 30_000, 'the summary and two proposals');
    expect(summaries()[0]!.history[0]!.text).toContain('Auditing');
    expect(h.standin.callsTo('apps.connections.open')).toHaveLength(1);
  });

  it('takes an Approve click as an interactive envelope and runs the fix', { timeout: 60_000 }, async () => {
    const [p] = pendingProposals();
    const { ack } = await h.standin.socketMode.sendBlockAction({ actionId: ACTION_IDS.approve, value: p!.id, userId: APPROVER, messageTs: p!.ts, channelId: CHANNEL });
    expect(ack.problem).toBeNull();
    await eventually(async () => (await h.services.web.proposals.get(p!.id))?.state.status === 'succeeded', 30_000, 'the fix');
    expect(aws.callCount('UpdateNotebookInstance')).toBe(1);
  });

  it('reconnects by itself after the socket is cut, and keeps working', { timeout: 60_000 }, async () => {
    const before = h.standin.socketMode.connections.length;
    await h.standin.socketMode.dropConnections();
    await h.standin.socketMode.waitForConnection({ count: before + 1, timeoutMs: 30_000 });
    expect(h.standin.callsTo('apps.connections.open')).toHaveLength(2);
    await h.standin.socketMode.sendSlashCommand({ text: 'control=SageMaker.3', userId: REQUESTER, channelId: CHANNEL });
    await eventually(() => summaries().length === 2, 30_000, 'a second summary');
  });

  it('after a refresh_requested disconnect too', { timeout: 60_000 }, async () => {
    const before = h.standin.socketMode.connections.length;
    await h.standin.socketMode.disconnect('refresh_requested');
    await h.standin.socketMode.waitForConnection({ count: before + 1, timeoutMs: 30_000 });
    const { ack } = await h.standin.socketMode.sendSlashCommand({ text: 'help', userId: REQUESTER, channelId: CHANNEL });
    expect(ack.problem).toBeNull();
  });

  it('serves /healthz, /readyz and /metrics on PORT', async () => {
    expect(h.baseUrl).toBe(`http://127.0.0.1:${h.config.app.slack.port}`);
    expect(await (await fetch(`${h.baseUrl}/healthz`)).text()).toBe('ok');
    expect(await (await fetch(`${h.baseUrl}/readyz`)).json()).toEqual({ ready: true, checks: { redis: 'ok', slack: 'ok' } });
    expect(await (await fetch(`${h.baseUrl}/metrics`)).text()).toMatch(/^sagemaker_audit_audits_total\{outcome="complete"\} 2$/m);
  });

  it('with Redis down, a click is acked and answered "not recorded" through its response_url', { timeout: 60_000 }, async () => {
    const p = pendingProposals().at(-1);
    await redis.kill();
    await eventually(async () => (await fetch(`${h.baseUrl}/readyz`)).status === 503, 10_000, '/readyz to go red');
    const { ack } = await h.standin.socketMode.sendBlockAction({ actionId: ACTION_IDS.approve, value: p!.id, userId: APPROVER, messageTs: p!.ts, channelId: CHANNEL, responseUrl: h.standin.responseUrl('socket-outage') });
    expect(ack.problem).toBeNull();
    await h.standin.waitFor(() => h.standin.responses('socket-outage').length > 0, 10_000);
    expect(h.standin.responses('socket-outage')[0]).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Your click was not recorded') });
    await redis.restart();
    await eventually(async () => (await fetch(`${h.baseUrl}/readyz`)).status === 200, 30_000, '/readyz to go green');
  });
});
