import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';

/** Real Redis for tests (REDIS_URL or the local default); each test gets a unique prefix, deleted after. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(name: string): string {
  return `test-${name}-${randomBytes(4).toString('hex')}`;
}

export function connect(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

export async function cleanup(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * For a test file whose tests each set their own prefix: after each test, every key under `prefix()` is deleted and
 * every connection the returned `open()` made is closed.
 */
export function redisPerTest(prefix: () => string): () => Redis {
  const opened: Redis[] = [];
  afterEach(async () => {
    const r = connect();
    await cleanup(r, prefix());
    await r.quit();
    await Promise.all(opened.splice(0).map((c) => c.quit()));
  });
  return () => {
    const redis = connect();
    opened.push(redis);
    return redis;
  };
}
