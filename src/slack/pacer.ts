/**
 * Paces calls per channel: chat.postMessage allows about one message per second per channel, with short bursts.
 * A token bucket per key (`burst` tokens, refilled at `perSecond`), calls for one key run in order.
 * The WebClient's own 429 handling (Retry-After) stays underneath as the safety net.
 */
export interface PacerOptions {
  perSecond: number;
  burst: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Pacer {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPacer(options: PacerOptions = { perSecond: 1, burst: 5 }): Pacer {
  const { perSecond, burst } = options;
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? defaultSleep;
  const buckets = new Map<string, { tokens: number; at: number; tail: Promise<unknown> }>();

  async function take(key: string): Promise<void> {
    const b = buckets.get(key)!;
    for (;;) {
      const t = now();
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - b.tokens) / perSecond) * 1000));
    }
  }

  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      let b = buckets.get(key);
      if (!b) {
        b = { tokens: burst, at: now(), tail: Promise.resolve() };
        buckets.set(key, b);
      }
      const result = b.tail.then(async () => {
        await take(key);
        return fn();
      });
      b.tail = result.catch(() => undefined);
      return result;
    },
  };
}
