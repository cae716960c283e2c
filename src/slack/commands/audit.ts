import { createHash } from 'node:crypto';
import type { SlashCommand } from '@slack/bolt';
import type { CoveredScope } from '../../audit/report.js';
import { auditStartedMessage } from '../blocks/audit.js';
import { slackErrorCode } from '../errors.js';
import { ephemeral } from '../listener-kit.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import type { CommandContext, ListenerDeps } from '../deps.js';

/** The audit id: a hash of the signed request (so a replay maps to the same id), or of the payload in Socket Mode. */
export function auditIdFor(command: SlashCommand, requestDigest: string | undefined): string {
  const basis = requestDigest ?? `${command.team_id}:${command.channel_id}:${command.user_id}:${command.trigger_id}:${command.text}`;
  return `a${createHash('sha256').update(basis).digest('hex').slice(0, 20)}`;
}

/** Posts the "⏳ Auditing…" message in the channel and queues the audit job with that message's ts. */
export async function startAudit(parsed: { scope: CoveredScope }, { command, respond, client, requestDigest }: CommandContext, deps: ListenerDeps): Promise<void> {
  const auditId = auditIdFor(command, requestDigest);
  const started = auditStartedMessage(auditId, parsed.scope, command.user_id, deps.controlIds.length);
  let ts: string | undefined;
  try {
    const res = await client.chat.postMessage({ channel: command.channel_id, text: started.text, blocks: started.blocks });
    ts = res.ts;
  } catch (err) {
    const code = slackErrorCode(err);
    deps.logger.warn({ err, code: 'CHANNEL_POST_FAILED', slackError: code, channel: command.channel_id }, 'could not post the audit status message');
    const fix =
      code === 'not_in_channel' || code === 'channel_not_found'
        ? 'I am not a member of this channel. Invite me with `/invite @sagemaker-audit`, or give the app the `chat:write.public` scope (public channels only). Then run the command again.'
        : code === 'is_archived'
          ? 'This channel is archived; run the command in another channel.'
          : `Slack refused my message (${escapeMrkdwn(code ?? 'unknown error')}). Nothing was started.`;
    await respond(ephemeral(`:warning: I could not post in this channel. ${fix}`));
    return;
  }
  if (!ts) return;
  try {
    await deps.producers.enqueueAudit({
      auditId,
      requestedBy: command.user_id,
      channelId: command.channel_id,
      teamId: command.team_id,
      request: parsed.scope,
      statusMessageTs: ts,
    });
  } catch (err) {
    deps.logger.error({ err, code: 'QUEUE_UNAVAILABLE', auditId }, 'could not queue the audit');
    await client.chat
      .update({ channel: command.channel_id, ts, text: ':x: Could not queue the audit: the job queue (Redis) is unavailable. Try again in a minute.' })
      .catch((e: unknown) => deps.logger.error({ err: e }, 'could not update the status message'));
  }
}
