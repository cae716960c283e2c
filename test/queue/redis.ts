import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type { RedisSettings } from '../../src/config.js';
import type { RedisClient } from '../../src/util/redis-client.js';

/** Real Redis for tests: REDIS_URL or the local default. Each test gets its own prefix; `cleanup` deletes its keys. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label = 't'): string {
  return `test-${label}-${randomBytes(5).toString('hex')}`;
}

/** Deletes every key under `prefix` (BullMQ queues with that prefix, proposals, trail, replay keys). */
export async function deletePrefix(client: RedisClient, prefix: string): Promise<number> {
  let deleted = 0;
  // A Cluster's keys are spread over its masters: scan each (keys under one hash tag share a node).
  for (const redis of client instanceof Cluster ? client.nodes('master') : [client]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[{}[\]*?]/g, '\\$&')}:*`, 'COUNT', 1000);
      cursor = next;
      // One key at a time on a Cluster (keys of one call must share a slot).
      if (keys.length > 0) deleted += client instanceof Cluster ? (await Promise.all(keys.map((k) => redis.unlink(k)))).reduce((a, b) => a + b, 0) : await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}

export function testRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

/** Connection settings as the configuration gives them, for a plain Redis URL. */
export function redisSettings(url = REDIS_URL): RedisSettings {
  return { url, username: undefined, password: undefined, tlsCaFile: undefined, sentinel: undefined, cluster: undefined };
}
