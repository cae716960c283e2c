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
    readonly code: 'REDIS_EVICTION_POLICY' | 'REDIS_AUTH' | 'SLACK_TOKEN_REJECTED' | 'QUEUE_UNAVAILABLE',
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
  let lastError = '';
  const refusedCredentials = (): boolean => /^(WRONGPASS|NOAUTH)/.test(lastError);
  try {
    // Ready, refused credentials (no use waiting for those), or the timeout; errors are the check's answer, not lines.
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const settle = (value: boolean): void => {
        clearTimeout(timer);
        resolve(value);
      };
      client.on('error', (err: unknown) => {
        lastError = err instanceof Error ? err.message : String(err);
        if (refusedCredentials()) settle(false);
      });
      if (client.status === 'ready') settle(true);
      else client.once('ready', () => settle(true));
    });
    if (!ready && refusedCredentials()) {
      throw new StartupRefused('REDIS_AUTH', `${describeRedis(settings)} refused the credentials (${lastError.split(' ')[0]}); check the user and password in REDIS_URL or REDIS_USERNAME / REDIS_PASSWORD`);
    }
    if (!ready) throw new StartupRefused('QUEUE_UNAVAILABLE', `${describeRedis(settings)} does not answer after ${timeoutMs} ms; check REDIS_URL and that Redis is running`, 1);
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
