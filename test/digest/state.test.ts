import { describe, expect, it } from 'vitest';
import { diffDigest } from '../../src/digest/diff.js';
import { DigestStateStore } from '../../src/digest/state.js';
import { findingKey } from '../../src/digest/keys.js';
import { buildDigestModel } from '../../src/digest/model.js';
import { uniquePrefix } from '../queue/redis.js';
import { redisPerTest } from '../queue/redis-per-test.js';
import { fleet, report, result } from './fixtures.js';

let prefix = '';
const openRedis = redisPerTest(() => prefix);

function store(): DigestStateStore {
  return new DigestStateStore(openRedis(), prefix);
}

async function runDigest(s: DigestStateStore, rep: ReturnType<typeof report>, now: Date, runId: string) {
  const previous = await s.loadPrevious();
  const diff = diffDigest(rep, previous, now);
  const model = buildDigestModel({ report: rep, diff, now, risks: { active: [], expired: [] } });
  await s.save({ runId, runAt: now, day: now.toISOString().slice(0, 10), failingBySeverity: model.bySeverity }, diff.next);
  return model;
}

describe('digest state in Redis', () => {
  it('new and fixed across two digests, with a restart in between losing nothing', async () => {
    prefix = uniquePrefix('digest-state');
    const a = result({ name: 'a' });
    const b = result({ name: 'b', severity: 'CRITICAL', controlId: 'SageMaker.3' });
    const first = await runDigest(store(), report([a, b]), new Date('2026-11-25T09:00:00Z'), 'run1');
    expect(first.firstRun).toBe(true);

    // "Restart": new connection, new store object.
    const again = store();
    const prev = await again.loadPrevious();
    expect(prev?.runAt).toBe('2026-11-25T09:00:00.000Z');
    expect([...prev!.open.keys()].sort()).toEqual([findingKey(a), findingKey(b)].sort());
    expect(prev!.open.get(findingKey(b))).toMatchObject({ severity: 'CRITICAL', resourceName: 'b', firstSeen: '2026-11-25T09:00:00.000Z' });

    const c = result({ name: 'c', severity: 'LOW' });
    const second = await runDigest(again, report([a, { ...b, status: 'PASSED' }, c]), new Date('2026-11-26T09:00:00Z'), 'run2');
    expect(second.firstRun).toBe(false);
    expect(second.newFailures.map((i) => i.resourceName)).toEqual(['c']);
    expect(second.fixed.map((i) => i.resourceName)).toEqual(['b']);
    expect(second.items.find((i) => i.resourceName === 'a')!.ageDays).toBe(1);

    const after = await store().loadPrevious();
    expect([...after!.open.keys()].sort()).toEqual([findingKey(a), findingKey(c)].sort());
    expect(after!.open.get(findingKey(a))).toMatchObject({ firstSeen: '2026-11-25T09:00:00.000Z', lastSeen: '2026-11-26T09:00:00.000Z' });

    const trend = await store().trend('2026-11-26');
    expect(trend).toHaveLength(30);
    expect(trend[29]).toEqual({ day: '2026-11-26', counts: { CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 1 } });
    expect(trend[28]).toEqual({ day: '2026-11-25', counts: { CRITICAL: 1, HIGH: 1, MEDIUM: 0, LOW: 0 } });
    expect(trend[0]!.counts).toBeNull();
  });

  it('keeps 30 days of history and stores 10,000 findings', async () => {
    prefix = uniquePrefix('digest-history');
    const s = store();
    const rep = report(fleet(10_000));
    for (let d = 0; d < 35; d++) {
      const now = new Date(Date.UTC(2026, 9, 1 + d, 9));
      await runDigest(s, d === 34 ? rep : report([result({ name: `x${d}` })]), now, `r${d}`);
    }
    const redis = openRedis();
    const days = await redis.hkeys(`${prefix}:digest:history`);
    expect(days).toHaveLength(30);
    expect(days.sort()[0]).toBe('2026-10-06');
    expect((await s.loadPrevious())!.open.size).toBe(6000);
  });

  it('a tick is claimed once; a released tick can be claimed again', async () => {
    prefix = uniquePrefix('digest-tick');
    const s1 = store();
    const s2 = store();
    const claims = await Promise.all([s1.claimTick('1764147600000', 'w1'), s2.claimTick('1764147600000', 'w2')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = claims[0] ? 'w1' : 'w2';
    await s1.releaseTick('1764147600000', winner === 'w1' ? 'w2' : 'w1'); // not the owner: no effect
    expect(await s2.claimTick('1764147600000', 'w3')).toBe(false);
    await s1.releaseTick('1764147600000', winner);
    expect(await s2.claimTick('1764147600000', 'w3')).toBe(true);
    await s2.markTickPosted('1764147600000', 'w3');
    expect(await s1.claimTick('1764147600000', 'w4')).toBe(false);
  });
});
