import type { Logger } from 'pino';
import type { DigestProducer } from '../../digest/queue.js';
import type { SubcommandContext } from './audit.js';

/**
 * `/sagemaker-audit digest`: queues an on-demand digest for this channel (the digest worker audits and posts it).
 * Ack was already sent by the command router; this only enqueues and answers ephemerally.
 */
export function digestCommand(deps: { producer: Pick<DigestProducer, 'enqueueDigest'>; logger: Logger }) {
  return async ({ command, respond }: SubcommandContext): Promise<void> => {
    try {
      await deps.producer.enqueueDigest({ requestedBy: command.user_id, channelId: command.channel_id });
      await respond({ response_type: 'ephemeral', text: ':newspaper: A digest is on its way to this channel. It runs a full audit first, so it can take a minute.' });
    } catch (err) {
      deps.logger.error({ err, code: 'QUEUE_UNAVAILABLE' }, 'could not queue the digest');
      await respond({ response_type: 'ephemeral', text: ':warning: I could not queue the digest (the job queue is unavailable). Try again in a moment.' });
    }
  };
}
