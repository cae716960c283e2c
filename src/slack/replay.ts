import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { RedisClient } from '../util/redis-client.js';
import { tellNotRecorded } from './outage.js';
import type { Logger } from 'pino';

/**
 * Replay protection. Bolt checks the signature and rejects timestamps older than 5 minutes, but accepts the same
 * signed request again inside that window. The HTTP receiver's `customPropertiesExtractor` exposes the signature
 * headers to this global middleware, which claims them once in Redis (SET NX EX 600, longer than the window):
 * a replay is acknowledged and changes nothing.
 */

export interface SignatureProperties {
  slackSignature?: string;
  slackRequestTimestamp?: string;
  [key: string]: unknown;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function signatureProperties(req: IncomingMessage): SignatureProperties {
  return { slackSignature: header(req, 'x-slack-signature'), slackRequestTimestamp: header(req, 'x-slack-request-timestamp') };
}

/** A stable id for a signed request: the same bytes signed at the same time give the same id. */
export function requestDigest(signature: string, timestamp: string): string {
  return createHash('sha256').update(`${timestamp}:${signature}`).digest('hex').slice(0, 32);
}

export function replayGuard(redis: RedisClient, prefix: string, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { context, next } = args;
    const signature = context.slackSignature as string | undefined;
    const timestamp = context.slackRequestTimestamp as string | undefined;
    // Socket Mode (no HTTP signature) has nothing to claim; Slack itself delivers each envelope once.
    if (!signature || !timestamp) return next();
    const digest = requestDigest(signature, timestamp);
    context.requestDigest = digest;
    let claimed: string | null;
    try {
      claimed = await redis.set(`${prefix}:slack-replay:${digest}`, '1', 'EX', 600, 'NX');
    } catch (err) {
      // Without Redis nothing can be queued or decided either: say so at once instead of an empty answer.
      logger.warn({ code: 'QUEUE_UNAVAILABLE', error: err instanceof Error ? err.message : String(err) }, 'Redis unavailable while checking for a replay; the request is not recorded');
      await tellNotRecorded(args, false, logger);
      return;
    }
    if (claimed === 'OK') return next();
    logger.warn({ digest }, 'replayed Slack request ignored');
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  };
}
