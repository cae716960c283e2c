import { afterEach, describe, expect, it } from 'vitest';
import { postSigned } from '../support/slack-standin/index.js';
import { CHANNEL, eventually, REQUESTER, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const chatPosts = (x: Harness) => x.standin.callsTo('chat.postMessage').length;

describe('Bolt HTTP receiver with signed requests', () => {
  it('rejects a wrong signature, a stale timestamp and missing headers with 401; nothing is queued or posted', async () => {
    h = await startHarness();
    const body = 'command=%2Fsagemaker-audit&text=&user_id=U1&channel_id=C0AUDIT&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fx';
    const wrong = await postSigned(h.eventsUrl, 'not-the-secret-at-all', body);
    const stale = await postSigned(h.eventsUrl, SIGNING_SECRET, body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const noSig = await postSigned(h.eventsUrl, SIGNING_SECRET, body, { headers: { 'x-slack-signature': undefined } });
    const noTs = await postSigned(h.eventsUrl, SIGNING_SECRET, body, { headers: { 'x-slack-request-timestamp': undefined } });
    expect([wrong.status, stale.status, noSig.status, noTs.status]).toEqual([401, 401, 401, 401]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await h.auditJobs()).toHaveLength(0);
    expect(chatPosts(h)).toBe(0);
    expect(h.standin.responsePosts).toHaveLength(0);
  });

  it('a valid command posts one status message in the channel and queues one job carrying its ts', async () => {
    h = await startHarness();
    const first = await h.command('us-east-1 control=SageMaker.3', { responseId: 'valid' });
    expect(first.status).toBe(200);
    await eventually(async () => (await h!.auditJobs()).length === 1, 5000, 'audit job');
    const [job] = await h.auditJobs();
    expect(job!.data.channelId).toBe(CHANNEL);
    expect(job!.data.requestedBy).toBe(REQUESTER);
    expect(job!.data.request).toMatchObject({ regions: ['us-east-1'], controls: ['SageMaker.3'], source: 'both', accounts: ['111111111111'] });
    const posted = h.standin.messages(CHANNEL);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.ts).toBe(job!.data.statusMessageTs);
    expect(posted[0]!.text).toContain('Auditing');
    expect(job!.id).toBe(`audit-${job!.data.auditId}`);
    // The same command signed at another time is a new request: a second audit.
    await h.command('us-east-1 control=SageMaker.3', { responseId: 'valid2', timestamp: Math.floor(Date.now() / 1000) - 30 });
    await eventually(async () => (await h!.auditJobs()).length === 2, 5000, 'second audit job');
    expect(chatPosts(h)).toBe(2);
  });

  it('the exact same signed request twice queues one job and posts one message', async () => {
    h = await startHarness();
    const ts = Math.floor(Date.now() / 1000);
    const a = await h.command('', { timestamp: ts, responseId: 'same' });
    // Re-send byte for byte.
    const b = await postSigned(h.eventsUrl, SIGNING_SECRET, a.body, { timestamp: ts });
    expect([a.status, b.status]).toEqual([200, 200]);
    await eventually(async () => (await h!.auditJobs()).length === 1, 5000, 'audit job');
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.auditJobs()).toHaveLength(1);
    expect(chatPosts(h)).toBe(1);
  });

  it('acks well within 3 s', async () => {
    h = await startHarness();
    const res = await h.command('help');
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
  });

  it('bad arguments: ephemeral usage through response_url, nothing queued, nothing posted in the channel', async () => {
    h = await startHarness();
    for (const [i, text] of ['control=SageMaker.99', 'frobnicate', 'source=cloudtrail', 'account=123'].entries()) {
      await h.command(text, { responseId: `bad-${i}` });
    }
    await h.standin.waitFor(() => h!.standin.responsePosts.length === 4, 5000);
    const replies = [0, 1, 2, 3].map((i) => h!.standin.responses(`bad-${i}`)[0]!);
    for (const r of replies) {
      expect(r.response_type).toBe('ephemeral');
      expect(String(r.text)).toContain('Usage:');
    }
    expect(String(replies[0]!.text)).toContain('unknown control `SageMaker.99`');
    expect(String(replies[0]!.text)).toContain('SageMaker.25');
    expect(await h.auditJobs()).toHaveLength(0);
    expect(chatPosts(h)).toBe(0);
  });

  it('help, reserved subcommands and history answer ephemerally', async () => {
    h = await startHarness();
    await h.services.web.trail.record({ type: 'proposed', actor: 'worker', proposalId: 'p1', resourceName: 'nb-<!channel>', controlId: 'SageMaker.2' });
    await h.services.web.trail.record({ type: 'approved', actor: 'U0APPROVER', proposalId: 'p1', resourceName: 'nb-<!channel>', controlId: 'SageMaker.2' });
    await h.command('help', { responseId: 'help' });
    await h.command('digest now', { responseId: 'digest' });
    await h.command('history nb-<!channel>', { responseId: 'history' });
    await h.standin.waitFor(() => h!.standin.responsePosts.length === 3, 5000);
    expect(h.standin.responses('help')[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(String(h.standin.responses('digest')[0]!.text)).toContain('A digest is on its way'); // `digest` is handled (src/slack/commands/digest.ts)
    const history = String(h.standin.responses('history')[0]!.text);
    expect(history.indexOf('approved')).toBeLessThan(history.indexOf('proposed'));
    expect(history).not.toContain('<!channel>');
    expect(history).toContain('&lt;!channel&gt;');
    expect(await h.auditJobs()).toHaveLength(0);
  });

  it('routes `digest` to its handler, which queues an on-demand digest for the channel and nothing else', async () => {
    h = await startHarness();
    await h.command('digest now', { responseId: 'd' });
    await h.standin.waitFor(() => h!.standin.responses('d').length === 1, 5000);
    const jobs = await h.services.producers.digest.getJobs(['waiting', 'active', 'completed', 'delayed']);
    expect(jobs.map((j) => j.data)).toEqual([{ requestedBy: REQUESTER, channelId: CHANNEL }]);
    expect(await h.auditJobs()).toHaveLength(0);
  });

  it('when the bot is not in the channel, tells the user how to fix it and queues nothing', async () => {
    h = await startHarness({ standin: { notInChannel: ['C0OTHER'] } });
    await h.command('', { channelId: 'C0OTHER', responseId: 'nic' });
    await h.standin.waitFor(() => h!.standin.responses('nic').length === 1, 5000);
    const text = String(h.standin.responses('nic')[0]!.text);
    expect(text).toContain('/invite');
    expect(text).toContain('chat:write.public');
    expect(h.standin.responses('nic')[0]!.response_type).toBe('ephemeral');
    expect(await h.auditJobs()).toHaveLength(0);
  });

  it('GET /healthz answers 200 ok while Redis answers; works with auth.test against the stand-in', async () => {
    h = await startHarness({ skipAuthTest: false });
    const res = await fetch(`${h.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    await h.command('', { responseId: 'auth' });
    await eventually(async () => (await h!.auditJobs()).length === 1, 5000, 'audit job');
    expect(h.standin.callsTo('auth.test').length).toBeGreaterThanOrEqual(1);
  });
});
