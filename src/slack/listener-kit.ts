import type { BlockAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { ApproverCheck } from './approvers.js';
import { truncate } from './mrkdwn.js';

/** What every listener shares: helpers for answering the person who typed or clicked, and the approver rule. */

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

/**
 * Tell the clicking user something only they see: an ephemeral message (in the message's thread, when it has one);
 * if Slack refuses it (no channel, bot not in the channel, …), through the action's response_url instead.
 */
export async function tellUser(client: WebClient, body: BlockAction, text: string, logger: Logger): Promise<void> {
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

/** The approver check, worded for risks (the same people who may approve fixes may accept or revoke risks). */
export async function mayDecideRisks(approvers: ApproverCheck, userId: string): Promise<{ allowed: true } | { allowed: false; reason: string }> {
  // No requester: the two-person rule is about fixes someone asked for; accepting a risk is the approver's own act.
  const d = await approvers.check(userId, 'approve', '');
  return d.allowed ? d : { allowed: false, reason: `Only approvers may accept or revoke risks. ${d.reason.replace(/^Only approvers may approve fixes: /, 'Approvers: ')}` };
}
