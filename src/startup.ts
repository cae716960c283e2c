import type { RedisSettings } from './config.js';
import { createRedis, describeRedis, evictingPolicy } from './queue/connection.js';
import type { Services } from './services.js';
import { SlackTokenRejected, type SlackIdentity } from './slack/identity.js';

/**
 * Checks made before anything starts. A setting that can never work stops the process with one line naming what to
 * change (exit 2, as a bad variable does): Redis that may evict keys, a bot token Slack refuses. Redis that does not
 * answer is an outage, not a setting (exit 1: the supervisor tries again).
 */
export class StartupRefused extends Error {
  constructor(
    readonly code: 'REDIS_EVICTION_POLICY' | 'SLACK_TOKEN_REJECTED' | 'QUEUE_UNAVAILABLE',
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'StartupRefused';
  }
}

/**
 * Redis answers and never evicts. Checked on a connection of its own, before the queues connect (BullMQ would
 * otherwise print its own multi-line warning about the policy first).
 */
export async function checkRedis(settings: RedisSettings, timeoutMs = 10_000): Promise<void> {
  const client = createRedis(settings, 'producer');
  client.on('error', () => undefined); // the outcome is the check's answer, not a log line per retry
  try {
    if (client.status !== 'ready') {
      const ready = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        client.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!ready) throw new StartupRefused('QUEUE_UNAVAILABLE', `${describeRedis(settings)} does not answer after ${timeoutMs} ms; check REDIS_URL and that Redis is running`, 1);
    }
    const policy = await evictingPolicy(client);
    if (policy !== undefined) {
      throw new StartupRefused(
        'REDIS_EVICTION_POLICY',
        `${describeRedis(settings)} has maxmemory-policy ${policy}: it may evict queued jobs, locks and approvals; set maxmemory-policy noeviction on the Redis server`,
      );
    }
  } finally {
    client.disconnect();
  }
}

/** auth.test with the bot token; the bot's identity. */
export async function checkSlack(services: Services): Promise<SlackIdentity> {
  try {
    return await services.checkSlack();
  } catch (err) {
    if (err instanceof SlackTokenRejected) throw new StartupRefused('SLACK_TOKEN_REJECTED', err.message);
    throw err;
  }
}
