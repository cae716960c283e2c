import { describe, expect, it } from 'vitest';
import { AuditTrail } from '../../src/trail.js';
import { RiskStore } from '../../src/risks/store.js';
import { applyAcceptedRisks } from '../../src/risks/apply.js';
import { uniquePrefix } from '../queue/redis.js';
import { redisPerTest } from '../queue/redis-per-test.js';
import { report, result } from '../digest/fixtures.js';

let prefix = '';
const openRedis = redisPerTest(() => prefix);

function setup() {
  const redis = openRedis();
  const trail = new AuditTrail(redis, prefix);
  return { store: new RiskStore(redis, prefix, trail), trail };
}

const a = result({ name: 'a' });
const target = { controlId: a.controlId, accountId: a.accountId, region: a.region, resourceArn: a.resourceArn, resourceName: a.resourceName };

describe('RiskStore', () => {
  it('accept → SUPPRESSED; expire with a controlled clock → FAILED again and reported as expired', async () => {
    prefix = uniquePrefix('risks');
    const { store, trail } = setup();
    const t0 = new Date('2026-11-26T09:00:00Z');
    const accepted = await store.accept({ target, scope: 'resource', reason: 'legacy notebook, replaced in Q1', expiresAt: '2026-12-01T00:00:00.000Z', acceptedBy: 'U0APPROVER' }, t0);
    const rep = report([a, result({ name: 'b' })]);

    // A new store object (restart) sees it.
    const { store: again } = setup();
    const active = await again.listActive();
    expect(active.map((r) => r.id)).toEqual([accepted.id]);
    expect(applyAcceptedRisks(rep, active, t0).results[0]!.status).toBe('SUPPRESSED');

    const before = new Date('2026-11-30T23:59:59Z');
    expect(await again.expireDue(before)).toEqual([]);
    const at = new Date('2026-12-01T00:00:00Z');
    const [expired, second] = await Promise.all([again.expireDue(at), store.expireDue(at)]);
    // Two workers at once: exactly one ends it.
    expect([...expired, ...second].map((r) => [r.id, r.status])).toEqual([[accepted.id, 'expired']]);
    expect(await again.listActive()).toEqual([]);
    expect(applyAcceptedRisks(rep, await again.listActive(), at).results[0]!.status).toBe('FAILED');
    expect((await again.listEnded(t0)).map((r) => r.status)).toEqual(['expired']);
    expect(await again.listEnded(at)).toEqual([]);

    const events = await trail.history();
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['risk-expired', 'scheduler'],
      ['risk-accepted', 'U0APPROVER'],
    ]);
    expect(events[1]!.resourceArn).toBe(a.resourceArn);
  });

  it('revoke ends it once; accepting the same target again updates the active one', async () => {
    prefix = uniquePrefix('risks-revoke');
    const { store, trail } = setup();
    const first = await store.accept({ target, scope: 'resource', reason: 'one', expiresAt: '2026-12-01T00:00:00.000Z', acceptedBy: 'U0APPROVER' });
    const second = await store.accept({ target, scope: 'resource', reason: 'two', expiresAt: '2026-12-15T00:00:00.000Z', acceptedBy: 'U0OTHER' });
    expect(second.id).toBe(first.id);
    expect((await store.listActive()).map((r) => [r.reason, r.acceptedBy])).toEqual([['two', 'U0OTHER']]);
    const broader = await store.accept({ target, scope: 'control-in-account', reason: 'all', expiresAt: '2026-12-15T00:00:00.000Z', acceptedBy: 'U0APPROVER' });
    expect(broader.id).not.toBe(first.id);

    const revoked = await store.revoke(first.id, 'U0APPROVER');
    expect(revoked?.status).toBe('revoked');
    expect(await store.revoke(first.id, 'U0APPROVER')).toBeNull();
    expect((await store.listActive()).map((r) => r.id)).toEqual([broader.id]);
    expect((await store.get(first.id))?.status).toBe('revoked');
    expect((await trail.history()).map((e) => e.type)).toEqual(['risk-revoked', 'risk-accepted', 'risk-accepted', 'risk-accepted']);
  });
});
