/** Per account+Region call budget over a sliding second, and the peak per-second rate seen in recorded calls. */

export interface AccountRateLimit {
  /** Calls one account+Region may make in any sliding second. */
  perSecond: number;
  /** Extra calls tolerated on top of `perSecond` in a sliding second (default 0). */
  burst?: number;
}

export interface TimedCall {
  at: number;
  accountId: string;
  region: string;
}

export interface PeakRate {
  accountId: string;
  region: string;
  /** Calls in the busiest window [windowStart, windowStart + 1000 ms). */
  calls: number;
  windowStart: number;
}

const WINDOW_MS = 1000;

/** Remembers the calls it admitted per key; a call is admitted when fewer than `limit` were in the second before it. */
export class SlidingSecondLimiter {
  private readonly admitted = new Map<string, number[]>();

  admit(key: string, at: number, limit: number): boolean {
    const recent = (this.admitted.get(key) ?? []).filter((t) => t > at - WINDOW_MS);
    const ok = recent.length < limit;
    if (ok) recent.push(at);
    this.admitted.set(key, recent);
    return ok;
  }
}

/** The account+Region with the most calls in any one-second window, or undefined without calls. */
export function peakPerSecond(calls: readonly TimedCall[]): PeakRate | undefined {
  const byKey = new Map<string, number[]>();
  for (const c of calls) {
    const key = `${c.accountId}/${c.region}`;
    const times = byKey.get(key) ?? [];
    times.push(c.at);
    byKey.set(key, times);
  }
  let best: PeakRate | undefined;
  for (const [key, times] of byKey) {
    times.sort((a, b) => a - b);
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while (times[end]! - times[start]! >= WINDOW_MS) start++;
      const count = end - start + 1;
      if (!best || count > best.calls) {
        const [accountId, region] = key.split('/') as [string, string];
        best = { accountId, region, calls: count, windowStart: times[start]! };
      }
    }
  }
  return best;
}
