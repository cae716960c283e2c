import { Redis } from 'ioredis';

/**
 * Producers fail fast (the Slack 3-second ack must not hang on a Redis outage);
 * workers and blocking readers retry forever, as BullMQ requires (`maxRetriesPerRequest: null`).
 */
export function createRedis(url: string, role: 'producer' | 'worker'): Redis {
  return role === 'producer'
    ? new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
    : new Redis(url, { maxRetriesPerRequest: null });
}
