import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRequest, eventRequestBody, SlackStandin, urlVerificationBody } from './index.js';
import { outcome, quietLogger, section } from './test-helpers.js';

/** App Home (views.publish, app_home_opened over HTTP), image blocks with slack_file, and run-time user groups. */

type Json = Record<string, unknown>;

let standin: SlackStandin;
let client: WebClient;

beforeAll(async () => {
  standin = await SlackStandin.start({ userGroups: { S0OPS: ['U0ONE'] } });
  client = new WebClient(standin.botToken, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger });
});
afterAll(async () => {
  await standin.close();
});

const home = (blocks: unknown[], extra: Json = {}) => ({ type: 'home', blocks, ...extra }) as never;
const publish = (userId: string, view: never, hash?: string) => client.views.publish({ user_id: userId, view, ...(hash ? { hash } : {}) });

describe('views.publish', () => {
  it('stores the Home view per user and answers with it as Slack does; a fresh hash each time, a stale one conflicts', async () => {
    const first = await publish('U0HOME1', home([section('one')], { private_metadata: 'p', callback_id: 'home' }));
    expect(first.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      team_id: standin.teamId,
      type: 'home',
      blocks: [section('one')],
      private_metadata: 'p',
      callback_id: 'home',
      hash: expect.stringMatching(/^\d+\.[0-9a-f]{8}$/),
      app_id: standin.appId,
      bot_id: standin.botId,
      state: { values: {} },
    });
    expect(standin.homeView('U0HOME1')).toEqual(first.view);

    const second = await publish('U0HOME1', home([section('two')]), first.view!.hash);
    expect(second.view!.id).toBe(first.view!.id);
    expect(second.view!.hash).not.toBe(first.view!.hash);
    expect(await outcome(publish('U0HOME1', home([section('three')]), first.view!.hash))).toMatchObject({ ok: false, error: 'hash_conflict' });
    expect(standin.homeView('U0HOME1')!.blocks).toEqual([section('two')]);
    expect(standin.homeView('U0OTHER')).toBeUndefined();
  });

  it('allows 100 blocks, not 101, and at most 3000 characters of private_metadata', async () => {
    expect((await outcome(publish('U0HOME2', home(Array.from({ length: 100 }, (_, i) => section(`b${i}`)))))).ok).toBe(true);
    const tooMany = await outcome(publish('U0HOME2', home(Array.from({ length: 101 }, (_, i) => section(`b${i}`)))));
    expect(tooMany).toMatchObject({ ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] blocks: 101 > 100 blocks'] } });
    const metadata = await outcome(publish('U0HOME2', home([section('x')], { private_metadata: 'm'.repeat(3001) })));
    expect(metadata).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(String((metadata.response_metadata as { messages: string[] }).messages[0])).toContain('/view/private_metadata');
  });

  it('answers view_too_large past ~250 kB, even when every block is valid', async () => {
    const big = Array.from({ length: 100 }, () => section('x'.repeat(2700)));
    expect(await outcome(publish('U0HOME3', home(big)))).toMatchObject({ ok: false, error: 'view_too_large' });
  });

  it('rejects a modal, a missing user, and answers not_enabled while the Home tab is off', async () => {
    expect(await outcome(client.views.publish({ user_id: 'U0HOME4', view: { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] } as never }))).toMatchObject({
      ok: false,
      error: 'invalid_arguments',
    });
    expect(await outcome(publish('', home([section('x')])))).toEqual({ ok: false, error: 'invalid_arguments', response_metadata: { messages: ['invalid `user_id`'] } });
    standin.homeTab = false;
    try {
      expect(await outcome(publish('U0HOME4', home([section('x')])))).toMatchObject({ ok: false, error: 'not_enabled' });
    } finally {
      standin.homeTab = true;
    }
    expect((await outcome(publish('U0HOME4', home([section('x')])))).ok).toBe(true);
  });
});

describe('image blocks with slack_file', () => {
  const image = (source: Json) => ({ type: 'image', alt_text: 'chart', ...source });

  it('accepts a completed upload by id or url and rejects an unknown file with Slack’s message', async () => {
    const unknown = await outcome(publish('U0IMG', home([image({ slack_file: { id: 'F99999999' } })])));
    expect(unknown).toEqual({
      ok: false,
      error: 'invalid_blocks',
      errors: ['invalid slack file [json-pointer:/blocks/0/slack_file]'],
      response_metadata: { messages: ['[ERROR] invalid slack file [json-pointer:/blocks/0/slack_file]'] },
    });

    const started = await client.files.getUploadURLExternal({ filename: 'chart.png', length: 3 });
    const pending = await outcome(publish('U0IMG', home([image({ slack_file: { id: started.file_id } })])));
    expect(pending.error).toBe('invalid_blocks');

    const uploaded = (await client.files.uploadV2({ file: Buffer.from('png'), filename: 'chart.png', channel_id: 'C0AUDIT' })) as unknown as { files: Array<{ files: Array<{ id: string; url_private: string }> }> };
    const file = uploaded.files[0]!.files[0]!;
    expect((await outcome(publish('U0IMG', home([image({ slack_file: { id: file.id } })])))).ok).toBe(true);
    expect((await outcome(publish('U0IMG', home([image({ slack_file: { url: file.url_private } })])))).ok).toBe(true);
    expect((await outcome(client.chat.postMessage({ channel: 'C0AUDIT', text: 'chart', blocks: [image({ slack_file: { id: file.id } }) as never] }))).ok).toBe(true);
  });

  it('needs exactly one of image_url or slack_file, a well-formed id, and checks images in accessories and messages too', async () => {
    expect((await outcome(publish('U0IMG2', home([image({ image_url: 'https://example.com/a.png' })])))).ok).toBe(true);
    expect((await outcome(publish('U0IMG2', home([image({ image_url: 'https://example.com/a.png', slack_file: { id: 'F00000001' } })])))).error).toBe('invalid_blocks');
    expect((await outcome(publish('U0IMG2', home([image({})])))).error).toBe('invalid_blocks');
    expect(await outcome(publish('U0IMG2', home([image({ slack_file: { id: 'chart.png' } })])))).toMatchObject({
      errors: ['input must match regex pattern: ^[F][A-Z0-9]{8,}$ [json-pointer:/blocks/0/slack_file/id]'],
    });
    const accessory = { ...section('with picture'), accessory: image({ slack_file: { url: 'https://files.example.com/nope.png' } }) };
    expect(await outcome(publish('U0IMG2', home([accessory])))).toMatchObject({ errors: ['invalid slack file [json-pointer:/blocks/0/accessory/slack_file]'] });
    expect(await outcome(client.chat.postMessage({ channel: 'C0AUDIT', text: 'x', blocks: [image({ slack_file: { id: 'F99999999' } }) as never] }))).toMatchObject({
      error: 'invalid_blocks',
      errors: ['invalid slack file [json-pointer:/blocks/0/slack_file]'],
    });
  });
});

describe('user groups at run time', () => {
  it('setUserGroup changes what usergroups.users.list answers next', async () => {
    expect((await client.usergroups.users.list({ usergroup: 'S0OPS' })).users).toEqual(['U0ONE']);
    standin.setUserGroup('S0OPS', ['U0ONE', 'U0TWO']);
    expect((await client.usergroups.users.list({ usergroup: 'S0OPS' })).users).toEqual(['U0ONE', 'U0TWO']);
    standin.setUserGroup('S0NEW', []);
    expect((await client.usergroups.users.list({ usergroup: 'S0NEW' })).users).toEqual([]);
  });
});

describe('app_home_opened over the HTTP Events API', () => {
  const secret = 'home-test-signing-secret';
  let app: App;
  let eventsUrl: string;
  const seen: Array<{ event: Json; retryNum: number | undefined }> = [];

  beforeAll(async () => {
    app = new App({ token: standin.botToken, signingSecret: secret, logger: quietLogger, clientOptions: { slackApiUrl: standin.apiUrl } });
    app.event('app_home_opened', async ({ event, context, client: web }) => {
      seen.push({ event: event as unknown as Json, retryNum: context.retryNum });
      await web.views.publish({ user_id: event.user, view: { type: 'home', blocks: [section('Welcome home')] } });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await app.stop();
  });

  it('answers the url_verification challenge', async () => {
    const res = await eventRequest(eventsUrl, secret, urlVerificationBody('challenge-123'));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'challenge-123' });
  });

  it('delivers a signed app_home_opened to app.event, with the retry headers, and refuses a bad signature', async () => {
    const event = standin.appHomeOpenedEvent('U0HTTP');
    expect(event).not.toHaveProperty('view');
    const body = eventRequestBody(event, { botUserId: standin.botUserId });
    expect((await eventRequest(eventsUrl, secret, body)).status).toBe(200);
    await standin.waitFor(() => standin.homeView('U0HTTP') !== undefined, 5000);
    expect(standin.homeView('U0HTTP')!.blocks).toEqual([section('Welcome home')]);
    expect(seen.at(-1)).toEqual({ event: { type: 'app_home_opened', user: 'U0HTTP', channel: expect.stringMatching(/^D/), tab: 'home', event_ts: expect.any(String) }, retryNum: undefined });

    expect(standin.appHomeOpenedEvent('U0HTTP').view).toEqual(standin.homeView('U0HTTP'));
    expect((await eventRequest(eventsUrl, secret, body, { retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    await standin.waitFor(() => seen.length === 2, 5000);
    expect(seen[1]!.retryNum).toBe(1);

    expect((await eventRequest(eventsUrl, 'wrong-secret', body)).status).toBe(401);
    expect(seen).toHaveLength(2);
  });
});
