import { ephemeral } from '../listener-kit.js';
import type { CommandContext, ListenerDeps } from '../deps.js';

/** `/sagemaker-audit digest`: queues an on-demand digest for this channel (the digest worker audits and posts it). */
export async function digestCommand(_parsed: unknown, { command, respond }: CommandContext, deps: ListenerDeps): Promise<void> {
  try {
    await deps.producers.enqueueDigest({ requestedBy: command.user_id, channelId: command.channel_id });
    await respond(ephemeral(':newspaper: A digest is on its way to this channel. It runs a full audit first, so it can take a minute.'));
  } catch (err) {
    deps.logger.error({ err, code: 'QUEUE_UNAVAILABLE' }, 'could not queue the digest');
    await respond(ephemeral(':warning: I could not queue the digest (the job queue is unavailable). Try again in a moment.'));
  }
}
