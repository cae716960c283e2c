import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrail } from '../src/trail.js';
import { deletePrefix, testRedis, uniquePrefix } from './queue/redis.js';

const redis = testRedis();
let prefix: string;
let trail: AuditTrail;

beforeEach(() => {
  prefix = uniquePrefix('trail');
  trail = new AuditTrail(redis, prefix);
});
afterEach(async () => {
  await deletePrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

describe('AuditTrail', () => {
  it('returns events newest first with their time', async () => {
    await trail.record({ type: 'proposed', actor: 'worker', proposalId: 'p1', resourceName: 'nb-1' }, new Date('2026-01-01T00:00:00Z'));
    await trail.record({ type: 'approved', actor: 'U1', proposalId: 'p1', resourceName: 'nb-1' }, new Date('2026-01-01T00:01:00Z'));
    const h = await trail.history();
    expect(h.map((e) => e.type)).toEqual(['approved', 'proposed']);
    expect(h[0]?.at).toBe('2026-01-01T00:01:00.000Z');
  });

  it('filters by resource name, ARN (case-insensitive) or proposal id, and honours the limit', async () => {
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/NB-2';
    await trail.record({ type: 'proposed', actor: 'worker', proposalId: 'p1', resourceName: 'nb-1' });
    await trail.record({ type: 'proposed', actor: 'worker', proposalId: 'p2', resourceName: 'NB-2', resourceArn: arn });
    await trail.record({ type: 'refused', actor: 'U9', proposalId: 'p2', resourceName: 'NB-2', resourceArn: arn });
    expect((await trail.history({ resource: 'nb-2' })).map((e) => e.type)).toEqual(['refused', 'proposed']);
    expect((await trail.history({ resource: arn.toLowerCase() })).length).toBe(2);
    expect((await trail.history({ resource: 'p1' })).map((e) => e.proposalId)).toEqual(['p1']);
    expect(await trail.history({ limit: 1 })).toHaveLength(1);
    expect(await trail.history({ resource: 'missing' })).toEqual([]);
  });

  it('pages past 500 events when filtering', async () => {
    await trail.record({ type: 'proposed', actor: 'worker', resourceName: 'old-one' });
    for (let i = 0; i < 1100; i++) await redis.xadd(`${prefix}:trail`, '*', 'event', JSON.stringify({ type: 'proposed', actor: 'worker', resourceName: `nb-${i}`, at: new Date().toISOString() }));
    expect((await trail.history({ resource: 'old-one' })).map((e) => e.resourceName)).toEqual(['old-one']);
  });
});
