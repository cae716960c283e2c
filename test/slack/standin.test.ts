import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient, WebAPIPlatformError } from '@slack/web-api';
import { SlackStandin } from '../support/slack-standin/index.js';

let standin: SlackStandin;
let client: WebClient;

beforeAll(async () => {
  standin = await SlackStandin.start({ channels: ['C1', 'C2'], notInChannel: ['C2'], userGroups: { S1: ['U1', 'U2'] } });
  client = new WebClient(standin.botToken, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await standin.close();
});

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WebAPIPlatformError) return err.data.error;
    throw err;
  }
  return 'ok';
}

const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: { type: 'mrkdwn', text }, ...extra });
const button = (extra: Record<string, unknown> = {}) => ({ type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'a', value: 'v', ...extra });

describe('Slack stand-in', () => {
  it('answers auth.test and rejects a wrong or missing token', async () => {
    const ok = await client.auth.test();
    expect(ok.user_id).toBe(standin.botUserId);
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } });
    expect(await errorOf(wrong.auth.test())).toBe('invalid_auth');
    const none = new WebClient(undefined, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } });
    expect(await errorOf(none.auth.test())).toBe('not_authed');
  });

  it('keeps messages and threads per channel and records each call with its token', async () => {
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'parent' });
    await client.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: parent.ts! });
    expect(standin.thread('C1', parent.ts!).map((m) => m.text)).toEqual(['reply']);
    const last = standin.callsTo('chat.postMessage').at(-1)!;
    expect(last.token).toBe(standin.botToken);
    expect(last.args.thread_ts).toBe(parent.ts);
  });

  it('rejects unknown channels, not_in_channel, no_text and msg_too_long', async () => {
    expect(await errorOf(client.chat.postMessage({ channel: 'C404', text: 'x' }))).toBe('channel_not_found');
    expect(await errorOf(client.chat.postMessage({ channel: 'C2', text: 'x' }))).toBe('not_in_channel');
    expect(await errorOf(client.chat.postMessage({ channel: 'C1', text: '' }))).toBe('no_text');
    expect(await errorOf(client.chat.postMessage({ channel: 'C1', text: 'x'.repeat(40_001) }))).toBe('msg_too_long');
  });

  it.each([
    ['section text over 3000', [section('x'.repeat(3001))]],
    ['empty section text', [section('')]],
    ['header over 150', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }]],
    ['button text over 75', [{ type: 'actions', elements: [button({ text: { type: 'plain_text', text: 'b'.repeat(76) } })] }]],
    ['button value over 2000', [{ type: 'actions', elements: [button({ value: 'v'.repeat(2001) })] }]],
    ['action_id over 255', [{ type: 'actions', elements: [button({ action_id: 'a'.repeat(256) })] }]],
    ['block_id over 255', [section('x', { block_id: 'b'.repeat(256) })]],
    ['26 elements in actions', [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })) }]],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }]],
    ['duplicate block_id', [section('a', { block_id: 'same' }), section('b', { block_id: 'same' })]],
    ['duplicate action_id in a block', [{ type: 'actions', elements: [button(), button()] }]],
    ['unknown block type', [{ type: 'banner', text: 'x' }]],
    ['51 blocks', Array.from({ length: 51 }, (_, i) => section(`s${i}`))],
    ['confirm title over 100', [{ type: 'actions', elements: [button({ confirm: { title: { type: 'plain_text', text: 't'.repeat(101) }, text: { type: 'mrkdwn', text: 'x' }, confirm: { type: 'plain_text', text: 'y' }, deny: { type: 'plain_text', text: 'n' } } })] }]],
  ])('rejects %s with invalid_blocks', async (_name, blocks) => {
    expect(await errorOf(client.chat.postMessage({ channel: 'C1', text: 'fallback', blocks: blocks as never }))).toBe('invalid_blocks');
  });

  it('accepts blocks at the limits', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
      section('x'.repeat(3000), { block_id: 'b'.repeat(255) }),
      { type: 'actions', elements: Array.from({ length: 25 }, (_, i) => button({ action_id: `a${i}`, value: 'v'.repeat(2000) })) },
      ...Array.from({ length: 47 }, (_, i) => section(`s${i}`)),
    ];
    expect(await errorOf(client.chat.postMessage({ channel: 'C1', text: 'fallback', blocks: blocks as never }))).toBe('ok');
  });

  it('updates only bot messages, never ephemerals', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'v1' });
    await client.chat.update({ channel: 'C1', ts: posted.ts!, text: 'v2' });
    expect(standin.message('C1', posted.ts!)?.text).toBe('v2');
    expect(standin.message('C1', posted.ts!)?.history.map((h) => h.text)).toEqual(['v1']);
    const user = standin.addUserMessage('C1', 'typed by a person');
    expect(await errorOf(client.chat.update({ channel: 'C1', ts: user.ts, text: 'x' }))).toBe('cant_update_message');
    expect(await errorOf(client.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }))).toBe('message_not_found');
    const eph = await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    expect(await errorOf(client.chat.update({ channel: 'C1', ts: eph.message_ts!, text: 'x' }))).toBe('cant_update_message');
    expect(standin.ephemerals.at(-1)?.user).toBe('U1');
  });

  it('lists user group members and answers no_such_subteam', async () => {
    expect((await client.usergroups.users.list({ usergroup: 'S1' })).users).toEqual(['U1', 'U2']);
    expect(await errorOf(client.usergroups.users.list({ usergroup: 'S9' }))).toBe('no_such_subteam');
  });

  it('takes a file through the external upload flow into a thread', async () => {
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'digest' });
    await client.filesUploadV2({ channel_id: 'C1', thread_ts: parent.ts!, filename: 'r.csv', content: 'a,b\n1,2\n' });
    const file = [...standin.files.values()].find((f) => f.filename === 'r.csv');
    expect(file?.completed).toBe(true);
    expect(file?.threadTs).toBe(parent.ts);
    expect(file?.bytes.toString()).toBe('a,b\n1,2\n');
  });

  it('records response_url posts and validates them', async () => {
    const url = standin.responseUrl('r1');
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', text: 'hi' }) });
    expect(await res.json()).toEqual({ ok: true });
    expect(standin.responses('r1')).toEqual([{ response_type: 'ephemeral', text: 'hi' }]);
  });

  it('injects 429 with Retry-After, which the WebClient waits out', async () => {
    standin.rateLimit('chat.postMessage', 1, 1);
    const retrying = new WebClient(standin.botToken, { slackApiUrl: standin.apiUrl });
    const started = Date.now();
    await retrying.chat.postMessage({ channel: 'C1', text: 'after the limit' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const statuses = standin.callsTo('chat.postMessage').slice(-2).map((c) => c.status);
    expect(statuses).toEqual([429, 200]);
  });

  it('opens and updates views with the 100-block modal limit', async () => {
    const opened = await client.views.open({ trigger_id: 't', view: { type: 'modal', title: { type: 'plain_text', text: 'M' }, blocks: Array.from({ length: 100 }, (_, i) => section(`s${i}`)) as never } });
    const id = opened.view!.id!;
    expect(await errorOf(client.views.update({ view_id: id, view: { type: 'modal', title: { type: 'plain_text', text: 'M' }, blocks: Array.from({ length: 101 }, (_, i) => section(`s${i}`)) as never } }))).toBe('invalid_blocks');
  });
});
