import { describeRedis, evictingPolicy } from './queue/connection.js';
import type { Services } from './services.js';
import { SlackTokenRejected, type SlackIdentity } from './slack/identity.js';

/**
 * Checks made once Redis answers, before anything starts. A setting that can never work stops the process with one
 * line naming what to change (exit 2, as a bad variable does): Redis that may evict keys, a bot token Slack refuses.
 */
export class StartupRefused extends Error {
  constructor(
    readonly code: 'REDIS_EVICTION_POLICY' | 'SLACK_TOKEN_REJECTED',
    message: string,
  ) {
    super(message);
    this.name = 'StartupRefused';
  }
}

/** Resolves to the bot's identity when `checkSlack` (the process that talks to Slack first), else undefined. */
export async function startupChecks(services: Services, { checkSlack }: { checkSlack: boolean }): Promise<SlackIdentity | undefined> {
  const policy = await evictingPolicy(services.redis.producer);
  if (policy !== undefined) {
    throw new StartupRefused(
      'REDIS_EVICTION_POLICY',
      `${describeRedis(services.config.app.redis)} has maxmemory-policy ${policy}: it may evict queued jobs, locks and approvals; set maxmemory-policy noeviction on the Redis server`,
    );
  }
  if (!checkSlack) return undefined;
  try {
    return await services.checkSlack();
  } catch (err) {
    if (err instanceof SlackTokenRejected) throw new StartupRefused('SLACK_TOKEN_REJECTED', err.message);
    throw err;
  }
}
