import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RISK_VIEW_CALLBACK_ID } from '../../src/slack/views/accept-risk.js';
import { postSigned, slashCommandBody, viewSubmissionPayload } from '../support/slack-standin/index.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { APPROVER, CHANNEL, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

/**
 * The HTTP receiver while Redis is away (a redis-server of this test's own, killed): nothing can be recorded, and
 * each kind of request says so to the person at once instead of an empty answer. Clicks are covered with the crash
 * test (test/ops/redis-restart.test.ts).
 */
let redis: RedisServer;
let h: Harness;
beforeAll(async () => {
  redis = await startRedisServer();
  h = await startHarness({ env: { REDIS_URL: redis.url } });
  await redis.kill();
  for (let i = 0; i < 100 && h.services.redis.producer.status === 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
}, 60_000);
afterAll(async () => {
  await redis.restart();
  await h?.close();
  await redis?.close();
});

describe('Redis down, HTTP receiver', () => {
  it('a slash command is answered in its ack: nothing was started', async () => {
    const res = await postSigned(h.eventsUrl, SIGNING_SECRET, slashCommandBody({ text: 'control=SageMaker.3', channelId: CHANNEL, responseUrl: h.standin.responseUrl('down') }));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    expect(JSON.parse(res.text)).toEqual({ response_type: 'ephemeral', text: ':warning: The job queue (Redis) is unavailable; nothing was started. Try again in a minute.' });
    expect(h.standin.messages(CHANNEL)).toEqual([]);
  });

  it('a modal submission is answered with a modal saying it was not saved', async () => {
    const payload = viewSubmissionPayload({ userId: APPROVER, view: { id: 'V0RISK', callback_id: RISK_VIEW_CALLBACK_ID, private_metadata: '{}' } });
    const res = await postSigned(h.eventsUrl, SIGNING_SECRET, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ response_action: 'update', view: { type: 'modal', title: { text: 'Not saved' }, blocks: [{ text: { text: expect.stringContaining('Your form was not saved') } }] } });
  });
});
