import type { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { deletePrefix, testRedis } from './redis.js';

/**
 * For a test file whose tests each set their own prefix: after each test, every key under `prefix()` is deleted and
 * every connection the returned `open()` made is closed.
 */
export function redisPerTest(prefix: () => string): () => Redis {
  const opened: Redis[] = [];
  afterEach(async () => {
    const r = testRedis();
    await deletePrefix(r, prefix());
    await r.quit();
    await Promise.all(opened.splice(0).map((c) => c.quit()));
  });
  return () => {
    const redis = testRedis();
    opened.push(redis);
    return redis;
  };
}
