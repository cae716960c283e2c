import { describe, expect, it } from 'vitest';
import { createPacer } from '../../src/slack/pacer.js';

function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => { t += ms; }, get t() { return t; } };
}

describe('createPacer', () => {
  it('allows a burst, then one call per second per channel, in order', async () => {
    const clock = fakeClock();
    const pacer = createPacer({ perSecond: 1, burst: 3, now: clock.now, sleep: clock.sleep });
    const at: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => pacer.run('C1', async () => { at.push(clock.t); return i; })));
    expect(at.slice(0, 3)).toEqual([0, 0, 0]);
    expect(at[3]).toBeGreaterThanOrEqual(1000);
    expect(at[4]! - at[3]!).toBeGreaterThanOrEqual(1000);
    expect(at[5]! - at[4]!).toBeGreaterThanOrEqual(1000);
  });

  it('channels do not wait for each other, and a failing call does not block the next', async () => {
    const clock = fakeClock();
    const pacer = createPacer({ perSecond: 1, burst: 1, now: clock.now, sleep: clock.sleep });
    await expect(pacer.run('C1', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    const other = await pacer.run('C2', async () => clock.t);
    expect(other).toBe(0);
    expect(await pacer.run('C1', async () => 'ok')).toBe('ok');
  });
});
