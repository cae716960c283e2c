import { createHash } from 'node:crypto';
import type { SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { CoveredScope } from '../../audit/report.js';
import { auditStartedMessage } from '../blocks/audit.js';
import { slackErrorCode } from '../errors.js';
import { ephemeral } from '../listener-kit.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import type { CommandContext, ListenerDeps } from '../deps.js';

/** What the audit id derives from: the signed request (so a replay maps to the same id), or the payload in Socket Mode. */
function auditIdBasis(command: SlashCommand, requestDigest: string | undefined): string {
  return requestDigest ?? `${command.team_id}:${command.channel_id}:${command.user_id}:${command.trigger_id}:${command.text}`;
}

/**
 * Starts an audit into a channel: posts the "⏳ Auditing…" message there and queues the audit job with that message's
 * ts. `idBasis` makes the audit id (a replayed request maps to the same id, so it queues once). Resolves to a message
 * for the person when it could not start.
 */
export async function launchAudit(
  what: { channelId: string; teamId?: string | undefined; userId: string; scope: CoveredScope; idBasis: string },
  client: WebClient,
  deps: ListenerDeps,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const auditId = `a${createHash('sha256').update(what.idBasis).digest('hex').slice(0, 20)}`;
  const started = auditStartedMessage(auditId, what.scope, what.userId, deps.controlIds.length);
  let ts: string | undefined;
  try {
    const res = await client.chat.postMessage({ channel: what.channelId, text: started.text, blocks: started.blocks });
    ts = res.ts;
  } catch (err) {
    const code = slackErrorCode(err);
    deps.logger.warn({ err, code: 'CHANNEL_POST_FAILED', slackError: code, channel: what.channelId }, 'could not post the audit status message');
    const fix =
      code === 'not_in_channel' || code === 'channel_not_found'
        ? 'I am not a member of this channel. Invite me with `/invite @sagemaker-audit`, or give the app the `chat:write.public` scope (public channels only). Then run the command again.'
        : code === 'is_archived'
          ? 'This channel is archived; run the command in another channel.'
          : `Slack refused my message (${escapeMrkdwn(code ?? 'unknown error')}). Nothing was started.`;
    return { ok: false, message: `:warning: I could not post in this channel. ${fix}` };
  }
  if (!ts) return { ok: false, message: ':warning: Slack did not say where my message went. Nothing was started.' };
  try {
    await deps.producers.enqueueAudit({
      auditId,
      requestedBy: what.userId,
      channelId: what.channelId,
      ...(what.teamId ? { teamId: what.teamId } : {}),
      request: what.scope,
      statusMessageTs: ts,
    });
  } catch (err) {
    deps.logger.error({ err, code: 'QUEUE_UNAVAILABLE', auditId }, 'could not queue the audit');
    await client.chat
      .update({ channel: what.channelId, ts, text: ':x: Could not queue the audit: the job queue (Redis) is unavailable. Try again in a minute.' })
      .catch((e: unknown) => deps.logger.error({ err: e }, 'could not update the status message'));
  }
  return { ok: true };
}

/** `/sagemaker-audit …`: an audit into the channel the command was typed in. */
export async function startAudit(parsed: { scope: CoveredScope }, { command, respond, client, requestDigest }: CommandContext, deps: ListenerDeps): Promise<void> {
  const started = await launchAudit({ channelId: command.channel_id, teamId: command.team_id, userId: command.user_id, scope: parsed.scope, idBasis: auditIdBasis(command, requestDigest) }, client, deps);
  if (!started.ok) await respond(ephemeral(started.message));
}
