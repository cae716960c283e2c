import { once } from 'node:events';
import { App } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SlackStandin, SocketModeDeliveryError, type DisconnectReason } from './index.js';
import { outcome, quietLogger, section, within } from './test-helpers.js';

/**
 * The Socket Mode side of the stand-in, driven by the real clients: @slack/socket-mode's SocketModeClient and a Bolt
 * App({ socketMode: true }) configured the way src/app.ts configures it.
 */

type Json = Record<string, unknown>;

async function openConnection(standin: SlackStandin, init: { authorization?: string; body?: string }): Promise<Json> {
  const res = await fetch(`${standin.apiUrl}apps.connections.open`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(init.authorization ? { authorization: init.authorization } : {}) },
    body: init.body ?? '',
  });
  return (await res.json()) as Json;
}

/** Every message a raw client receives, kept in order (two frames in one TCP read arrive in one tick). */
const inboxes = new WeakMap<WebSocket, { messages: Json[]; read: number }>();

function nextMessage(ws: WebSocket): Promise<Json> {
  const inbox = inboxes.get(ws)!;
  const index = inbox.read++;
  const arrived = new Promise<Json>((resolve) => {
    const check = () => {
      if (inbox.messages.length <= index) return false;
      ws.off('message', check);
      resolve(inbox.messages[index]!);
      return true;
    };
    if (!check()) ws.on('message', check);
  });
  return within(arrived, 5000, 'a WebSocket message');
}

describe('Socket Mode: apps.connections.open and the WebSocket link', () => {
  let standin: SlackStandin;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    standin = await SlackStandin.start({ socketMode: { pingIntervalMs: 200 } });
  });
  afterEach(() => {
    for (const ws of sockets.splice(0)) if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
  });
  afterAll(async () => {
    await standin.close();
  });

  function connect(url: string): WebSocket {
    const ws = new WebSocket(url);
    const inbox = { messages: [] as Json[], read: 0 };
    inboxes.set(ws, inbox);
    ws.prependListener('message', (data) => inbox.messages.push(JSON.parse(String(data)) as Json));
    ws.on('error', () => undefined);
    sockets.push(ws);
    return ws;
  }

  it('answers only the app-level token in the Authorization header, as Slack does', async () => {
    const ok = await openConnection(standin, { authorization: `Bearer ${standin.appToken}` });
    expect(ok.ok).toBe(true);
    expect(ok.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/link/\\?ticket=[0-9a-f-]{36}&app_id=${standin.appId}$`));

    expect(await openConnection(standin, { authorization: `Bearer ${standin.botToken}` })).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect(await openConnection(standin, { body: `token=${standin.appToken}` })).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await openConnection(standin, { authorization: 'Bearer xapp-1-A0OTHER-1-wrong' })).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await openConnection(standin, {})).toEqual({ ok: false, error: 'not_authed' });
    // Only the good call handed out a URL; every call is recorded.
    expect(standin.socketMode.urlsIssued).toBe(1);
    expect(standin.callsTo('apps.connections.open')).toHaveLength(5);

    // The app-level token is for apps.connections.open only.
    const post = await fetch(`${standin.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standin.appToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0AUDIT', text: 'x' }),
    });
    expect(await post.json()).toEqual({ ok: false, error: 'not_allowed_token_type' });
  });

  it('greets with hello, pings, and refuses a ticket used twice', async () => {
    const { url } = (await openConnection(standin, { authorization: `Bearer ${standin.appToken}` })) as { url: string };
    const first = connect(url);
    const hello = await nextMessage(first);
    expect(hello).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: standin.appId } });
    expect(hello.debug_info).toMatchObject({ host: expect.any(String), approximate_connection_time: expect.any(Number) });
    await within(once(first, 'ping'), 2000, 'a server ping');

    const again = connect(url);
    const [, response] = (await within(once(again, 'unexpected-response'), 5000, 'the refusal')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(401);
    expect(standin.socketMode.connectionCount).toBe(1);
  });

  it('tells the eleventh connection too_many_websockets and closes it', async () => {
    const opened: WebSocket[] = [];
    for (let i = 0; i < 11; i += 1) {
      const { url } = (await openConnection(standin, { authorization: `Bearer ${standin.appToken}` })) as { url: string };
      const ws = connect(url);
      opened.push(ws);
      expect((await nextMessage(ws)).num_connections).toBe(i + 1);
    }
    const eleventh = opened.at(-1)!;
    expect(await nextMessage(eleventh)).toMatchObject({ type: 'disconnect', reason: 'too_many_websockets' });
    await within(once(eleventh, 'close'), 3000, 'the close');
    await standin.waitFor(() => standin.socketMode.connectionCount === 10, 3000);
    expect(standin.socketMode.connections.at(-1)).toMatchObject({ disconnectReason: 'too_many_websockets', closeCode: 1000 });
  });
});

describe('Socket Mode with a Bolt App (socketMode: true, as src/app.ts builds it)', () => {
  let standin: SlackStandin;
  let app: App;
  const clicks: Json[] = [];
  const homeEvents: Json[] = [];

  beforeAll(async () => {
    standin = await SlackStandin.start();
    app = new App({ token: standin.botToken, appToken: standin.appToken, socketMode: true, logger: quietLogger, clientOptions: { slackApiUrl: standin.apiUrl } });
    app.command('/sagemaker-audit', async ({ command, ack }) => {
      if (command.text === 'bad') await ack({ blocks: [{ type: 'section' }] });
      else await ack({ response_type: 'ephemeral', text: `audit ${command.text} for <@${command.user_id}>` });
    });
    app.action('approve', async ({ ack, body, respond }) => {
      await ack();
      clicks.push(body as unknown as Json);
      await respond({ text: 'Approved', replace_original: true });
    });
    app.view('edit_reason', async ({ ack, view }) => {
      const reason = view.state.values.reason?.reason_input?.value;
      if (!reason) await ack({ response_action: 'errors', errors: { reason: 'Give a reason' } });
      else await ack();
    });
    app.event('app_home_opened', async ({ event, client }) => {
      homeEvents.push(event as unknown as Json);
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [section(`Hello <@${event.user}>`)] } });
    });
    await within(app.start(), 10_000, 'the Bolt app to connect');
  });
  afterAll(async () => {
    await app.stop();
    await standin.close();
  });

  it('acks a slash command over the socket with its immediate response, and measures the ack', async () => {
    const result = await standin.socketMode.sendSlashCommand({ text: 'status', userId: 'U0REQ' });
    expect(result.payload).toEqual({ response_type: 'ephemeral', text: 'audit status for <@U0REQ>' });
    expect(result.ackMs).toBeGreaterThan(0);
    expect(result.ackMs).toBeLessThan(3000);
    expect(result.ack.problem).toBeNull();

    const delivery = standin.socketMode.deliveries.find((d) => d.envelope.envelope_id === result.envelopeId)!;
    expect(delivery.envelope).toMatchObject({ type: 'slash_commands', accepts_response_payload: true });
    expect(delivery.envelope).not.toHaveProperty('retry_attempt');
    expect(delivery.envelope.payload).toMatchObject({
      command: '/sagemaker-audit',
      text: 'status',
      user_id: 'U0REQ',
      team_id: standin.teamId,
      api_app_id: standin.appId,
      response_url: standin.responseUrl(result.responseId),
    });
  });

  it('flags an immediate response Slack would reject', async () => {
    const result = await standin.socketMode.sendSlashCommand({ text: 'bad' });
    expect(result.ack.problem).toMatch(/^invalid_blocks: blocks\[0\]: section needs text or fields/);
  });

  it('delivers a block_actions payload to app.action, whose respond() reaches the response_url', async () => {
    const result = await standin.socketMode.sendBlockAction({ actionId: 'approve', value: 'proposal-1', userId: 'U0APPROVER', messageTs: '1700000000.000001' });
    expect(result.payload).toEqual({});
    expect(clicks.at(-1)).toMatchObject({ type: 'block_actions', user: { id: 'U0APPROVER' }, actions: [{ action_id: 'approve', value: 'proposal-1' }] });
    await standin.waitFor(() => standin.responses('socket-action-1700000000.000001').length === 1, 5000);
    expect(standin.responses('socket-action-1700000000.000001')[0]).toMatchObject({ text: 'Approved', replace_original: true });
    const delivery = standin.socketMode.deliveries.at(-1)!;
    expect(delivery.envelope).toMatchObject({ type: 'interactive', accepts_response_payload: false });
  });

  it('records a view submission acked with response_action errors', async () => {
    const view = { id: 'V0EDIT', type: 'modal', callback_id: 'edit_reason', title: { type: 'plain_text', text: 'Reason' }, blocks: [] };
    const rejected = await standin.socketMode.sendViewSubmission({ userId: 'U0REQ', view, values: { reason: { reason_input: { type: 'plain_text_input', value: null } } } });
    expect(rejected.payload).toEqual({ response_action: 'errors', errors: { reason: 'Give a reason' } });
    expect(rejected.ack.problem).toBeNull();
    expect(standin.socketMode.deliveries.at(-1)!.envelope.accepts_response_payload).toBe(true);

    const accepted = await standin.socketMode.sendViewSubmission({ userId: 'U0REQ', view, values: { reason: { reason_input: { type: 'plain_text_input', value: 'maintenance' } } } });
    expect(accepted.payload).toEqual({});
  });

  it('delivers app_home_opened to app.event; the views.publish it makes lands in homeView and rides the next event', async () => {
    const first = await standin.socketMode.sendAppHomeOpened('U0HOME');
    expect(first.attempt).toBe(0);
    await standin.waitFor(() => standin.homeView('U0HOME') !== undefined, 5000);
    const published = standin.homeView('U0HOME')!;
    expect(published).toMatchObject({ type: 'home', blocks: [section('Hello <@U0HOME>')], app_id: standin.appId });
    expect(homeEvents[0]).toMatchObject({ type: 'app_home_opened', user: 'U0HOME', tab: 'home', channel: expect.stringMatching(/^D/) });
    expect(homeEvents[0]).not.toHaveProperty('view');

    const envelope = standin.socketMode.deliveries.find((d) => d.envelope.envelope_id === first.envelopeId)!.envelope;
    expect(envelope).toMatchObject({ type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '' });
    expect(envelope.payload).toMatchObject({ type: 'event_callback', team_id: standin.teamId, api_app_id: standin.appId, event_id: expect.stringMatching(/^Ev/) });

    await standin.socketMode.sendAppHomeOpened('U0HOME');
    await standin.waitFor(() => homeEvents.length === 2, 5000);
    expect(homeEvents[1]).toMatchObject({ view: { id: published.id, hash: published.hash } });
  });

  it('reconnects through a new apps.connections.open after disconnect(refresh_requested), then acks the next command', async () => {
    const opens = standin.callsTo('apps.connections.open').length;
    const connections = standin.socketMode.connections.length;
    await within(standin.socketMode.disconnect('refresh_requested'), 5000, 'the old connection to close');
    expect(standin.socketMode.connections.at(-1)).toMatchObject({ disconnectReason: 'refresh_requested', closedAt: expect.any(Number) });
    // Bolt's SocketModeClient waits clientPingTimeout (5 s unless configured) before it reconnects.
    await standin.socketMode.waitForConnection({ count: connections + 1, timeoutMs: 15_000 });
    expect(standin.callsTo('apps.connections.open').length).toBe(opens + 1);
    const result = await standin.socketMode.sendSlashCommand({ text: 'after-refresh', userId: 'U0REQ' });
    expect(result.payload).toMatchObject({ text: 'audit after-refresh for <@U0REQ>' });
  });
});

describe('Socket Mode with a SocketModeClient: retries, disconnects, drops and bad tokens', () => {
  let standin: SlackStandin;
  const clients: SocketModeClient[] = [];

  function client(appToken: string, options: { autoReconnectEnabled?: boolean } = {}): SocketModeClient {
    const c = new SocketModeClient({
      appToken,
      logger: quietLogger,
      // Reconnect after 1 s instead of 5 s (the client waits clientPingTimeout × failures).
      clientPingTimeout: 1000,
      clientOptions: { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } },
      ...options,
    });
    clients.push(c);
    return c;
  }

  /** A client that acks slash commands at once and events only on their retry. */
  async function connectedClient(): Promise<SocketModeClient> {
    const c = client(standin.appToken);
    c.on('slash_commands', async ({ ack, body }: { ack: (r?: Json) => Promise<void>; body: Json }) => {
      if (body.text !== 'never') await ack({ text: `ok ${String(body.text)}` });
    });
    c.on('app_mention', async ({ ack, retry_num }: { ack: () => Promise<void>; retry_num?: number }) => {
      if (retry_num) await ack();
    });
    await within(c.start(), 10_000, 'the client to connect');
    return c;
  }

  beforeAll(async () => {
    standin = await SlackStandin.start();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await within(c.disconnect(), 5000, 'the client to disconnect').catch(() => undefined);
    standin.socketMode.reset();
  });
  afterAll(async () => {
    await standin.close();
  });

  it('re-sends an unacked events_api envelope once after 3 s with retry_attempt/retry_reason, but not a slash command', async () => {
    await connectedClient();
    const mention = { type: 'app_mention', user: 'U0REQ', text: '<@U0BOT> audit', channel: 'C0AUDIT', ts: '1700000000.000100', event_ts: '1700000000.000100' };
    const [event, command] = await Promise.allSettled([standin.socketMode.sendEvent(mention), standin.socketMode.sendSlashCommand({ text: 'never' })]);

    expect(event.status).toBe('fulfilled');
    expect(event.status === 'fulfilled' && event.value.attempt).toBe(1);
    const events = standin.socketMode.deliveries.filter((d) => d.envelope.type === 'events_api');
    expect(events.map((d) => [d.envelope.retry_attempt, d.envelope.retry_reason])).toEqual([
      [0, ''],
      [1, 'timeout'],
    ]);
    expect(events[1]!.envelope.envelope_id).not.toBe(events[0]!.envelope.envelope_id);
    expect(events[1]!.envelope.payload.event_id).toBe(events[0]!.envelope.payload.event_id);
    expect(events[1]!.sentAt - events[0]!.sentAt).toBeGreaterThanOrEqual(2900);
    expect(events[0]!.ack).toBeUndefined();

    expect(command.status).toBe('rejected');
    const error = command.status === 'rejected' ? (command.reason as SocketModeDeliveryError) : undefined;
    expect(error).toBeInstanceOf(SocketModeDeliveryError);
    expect(error?.code).toBe('operation_timeout');
    expect(standin.socketMode.deliveries.filter((d) => d.envelope.type === 'slash_commands')).toHaveLength(1);
  });

  it.each<DisconnectReason>(['refresh_requested', 'warning', 'link_disabled'])('reconnects after disconnect(%s) and acks the next command', async (reason) => {
    await connectedClient();
    const opens = standin.socketMode.urlsIssued;
    const connections = standin.socketMode.connections.length;
    await within(standin.socketMode.disconnect(reason), 5000, 'the connection to close');
    await standin.socketMode.waitForConnection({ count: connections + 1, timeoutMs: 10_000 });
    expect(standin.socketMode.urlsIssued).toBe(opens + 1);
    expect((await standin.socketMode.sendSlashCommand({ text: reason })).payload).toEqual({ text: `ok ${reason}` });
  });

  it('reconnects after a hard drop (TCP cut, no close frame) and acks the next command', async () => {
    await connectedClient();
    const opens = standin.socketMode.urlsIssued;
    const connections = standin.socketMode.connections.length;
    await within(standin.socketMode.dropConnections(), 5000, 'the drop');
    expect(standin.socketMode.connections.at(-1)).toMatchObject({ dropped: true, closeCode: 1006 });
    expect(standin.socketMode.connectionCount).toBe(0);
    await expect(standin.socketMode.sendSlashCommand({ text: 'while-down' })).rejects.toMatchObject({ code: 'dispatch_failed' });

    await standin.socketMode.waitForConnection({ count: connections + 1, timeoutMs: 10_000 });
    expect(standin.socketMode.urlsIssued).toBe(opens + 1);
    expect((await standin.socketMode.sendSlashCommand({ text: 'after-drop' })).payload).toEqual({ text: 'ok after-drop' });
  });

  it('refuses a wrong app token and a bot token as Slack does, and no connection opens', async () => {
    const connections = standin.socketMode.connections.length;
    expect((await outcome(within(client('xapp-1-A0STANDIN-1-wrong').start(), 5000, 'start() to fail'))).error).toBe('invalid_auth');
    // The client treats not_allowed_token_type as recoverable and would retry forever; without reconnects it throws.
    expect((await outcome(within(client(standin.botToken, { autoReconnectEnabled: false }).start(), 5000, 'start() to fail'))).error).toBe('not_allowed_token_type');

    const boltWithBadToken = new App({ token: standin.botToken, appToken: 'xapp-1-A0STANDIN-1-wrong', socketMode: true, logger: quietLogger, clientOptions: { slackApiUrl: standin.apiUrl } });
    expect((await outcome(within(boltWithBadToken.start(), 5000, 'Bolt start() to fail'))).error).toBe('invalid_auth');
    expect(standin.socketMode.connections.length).toBe(connections);
  });
});
