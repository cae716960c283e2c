import type { BlockAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { truncate } from './mrkdwn.js';
import type { HomeTab } from './threads/home.js';

/** What every listener shares: helpers for answering the person who typed or clicked. */

/** Lets other requests on this event loop get their acknowledgements out before this one's work goes on. */
export const afterAck = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A response only the person who typed the command sees. */
export const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text: truncate(text, 3900) });

/** The channel a block action came from: the payload's channel, or its container's. */
export function channelOf(body: BlockAction): string | undefined {
  return body.channel?.id ?? (body.container as { channel_id?: string } | undefined)?.channel_id;
}

/** The workspace a block action came from. */
export function teamOf(body: BlockAction): string | undefined {
  return body.team?.id ?? body.user.team_id;
}

/** Whether a click came from the app's Home tab (no channel, no message, no response_url there). */
export function fromHome(body: BlockAction): boolean {
  return (body.view as { type?: string } | undefined)?.type === 'home';
}

/**
 * Tell the clicking user something only they see: on the Home tab, at the top of their Home (published again);
 * elsewhere an ephemeral message (in the message's thread, when it has one), and if Slack refuses it (no channel,
 * bot not in the channel, …), through the action's response_url instead.
 */
export async function tellUser(client: WebClient, body: BlockAction, text: string, deps: { logger: Logger; home?: Pick<HomeTab, 'publish'> }): Promise<void> {
  const { logger } = deps;
  if (fromHome(body) && deps.home) {
    await deps.home.publish(body.user.id, text).catch((err: unknown) => logger.error({ err }, 'could not answer on the Home tab'));
    return;
  }
  const channel = channelOf(body);
  const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts;
  try {
    if (!channel) throw new Error('no channel in the action payload');
    await client.chat.postEphemeral({ channel, user: body.user.id, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
  } catch (err) {
    logger.warn({ err }, 'chat.postEphemeral failed; answering through response_url');
    await fetch(body.response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
    }).catch((e: unknown) => logger.error({ err: e }, 'could not tell the user'));
  }
}
