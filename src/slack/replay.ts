import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Redis } from 'ioredis';
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

export function replayGuard(redis: Redis, prefix: string, logger: Logger): Middleware<AnyMiddlewareArgs> {
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
      // Without Redis nothing can be queued either: say so at once instead of letting Slack time out.
      logger.error({ err, code: 'QUEUE_UNAVAILABLE' }, 'Redis unavailable while checking for a replay');
      const ack = (args as { ack?: (msg?: unknown) => Promise<void> }).ack;
      const isCommand = typeof (args.body as { command?: unknown }).command === 'string';
      if (ack) await ack(isCommand ? { response_type: 'ephemeral', text: ':warning: The job queue (Redis) is unavailable; nothing was started. Try again in a minute.' } : undefined);
      return;
    }
    if (claimed === 'OK') return next();
    logger.warn({ digest }, 'replayed Slack request ignored');
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  };
}
