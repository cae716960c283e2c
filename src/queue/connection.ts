import { Redis } from 'ioredis';

/**
 * Producers fail fast (the Slack 3-second ack must not hang on a Redis outage);
 * workers and blocking readers retry forever, as BullMQ requires (`maxRetriesPerRequest: null`);
 * a one-shot client (the CLI) connects once when asked (`connect()`), within a few seconds, or not at all.
 */
export function createRedis(url: string, role: 'producer' | 'worker' | 'one-shot'): Redis {
  if (role === 'one-shot') return new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 3000, retryStrategy: () => null });
  return role === 'producer'
    ? new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
    : new Redis(url, { maxRetriesPerRequest: null });
}

/** A Redis URL fit for a message: any password replaced. */
export function shownRedisUrl(url: string): string {
  return url.replace(/\/\/[^@]*@/, '//***@');
}
