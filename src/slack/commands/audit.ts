import { createHash } from 'node:crypto';
import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Producers } from '../../queue/producers.js';
import type { AuditTrail, RecordedTrailEvent } from '../../remediation/trail.js';
import { auditStartedMessage } from '../blocks/audit.js';
import { COMMAND } from '../ids.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import { mention, safe } from '../format.js';
import { slackErrorCode } from '../errors.js';
import { parseCommand, USAGE, type ParseDefaults, type Subcommand } from './parse.js';

/**
 * `/sagemaker-audit`: ack at once, parse, then either answer ephemerally (help, history, usage) or post the
 * "⏳ Auditing…" message in the channel and queue the audit job with that message's ts. Never calls AWS.
 */

export interface SubcommandContext {
  command: SlashCommand;
  args: string[];
  respond: RespondFn;
  client: WebClient;
}
/** Handlers for reserved subcommands (`digest`, `exceptions`), added by their owners in the composition root. */
export type SubcommandHandlers = Partial<Record<Subcommand, (ctx: SubcommandContext) => Promise<void>>>;

export interface AuditCommandDeps {
  producers: Producers;
  trail: AuditTrail;
  defaults: ParseDefaults;
  subcommands: SubcommandHandlers;
  logger: Logger;
}

/** Lets other requests on this event loop get their acknowledgements out before this one's work goes on. */
export const afterAck = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text: truncate(text, 3900) });

/** The audit id: a hash of the signed request (so a replay maps to the same id), or of the payload in Socket Mode. */
export function auditIdFor(command: SlashCommand, requestDigest: string | undefined): string {
  const basis = requestDigest ?? `${command.team_id}:${command.channel_id}:${command.user_id}:${command.trigger_id}:${command.text}`;
  return `a${createHash('sha256').update(basis).digest('hex').slice(0, 20)}`;
}

function historyLine(e: RecordedTrailEvent): string {
  const actor = e.actor === 'worker' || e.actor === 'scheduler' ? e.actor : mention(e.actor);
  const what = [e.controlId ? escapeMrkdwn(e.controlId) : '', e.resourceName ? code(truncate(e.resourceName, 80)) : '', e.accountId ? code(e.accountId) : '', e.region ? code(e.region) : '']
    .filter(Boolean)
    .join(' ');
  const detail = e.detail ? ` — ${safe(e.detail, 200)}` : '';
  return `• ${escapeMrkdwn(e.at)} *${escapeMrkdwn(e.type)}* by ${actor}${what ? ` · ${what}` : ''}${e.proposalId ? ` · ${code(e.proposalId)}` : ''}${detail}`;
}

export function registerAuditCommand(app: App, deps: AuditCommandDeps): void {
  app.command(COMMAND, async ({ command, ack, respond, client, context }) => {
    await ack();
    await afterAck();
    const parsed = parseCommand(command.text ?? '', deps.defaults);

    switch (parsed.kind) {
      case 'help':
        await respond(ephemeral(USAGE));
        return;
      case 'invalid':
        await respond(ephemeral(`${parsed.problems.map((p) => `:warning: ${p}`).join('\n')}\n\n${USAGE}`));
        return;
      case 'subcommand': {
        const handler = deps.subcommands[parsed.name];
        if (handler) await handler({ command, args: parsed.args, respond, client });
        else await respond(ephemeral(`\`${parsed.name}\` is not available here yet.\n\n${USAGE}`));
        return;
      }
      case 'history': {
        const events = await deps.trail.history({ resource: parsed.resource, limit: 20 });
        const title = parsed.resource ? `*Audit trail for ${code(truncate(parsed.resource, 200))}* (newest first)` : '*Audit trail* (newest first, last 20)';
        const body = events.length > 0 ? events.map(historyLine).join('\n') : 'No events recorded.';
        await respond(ephemeral(`${title}\n${body}`));
        return;
      }
      case 'audit': {
        const auditId = auditIdFor(command, context.requestDigest as string | undefined);
        const started = auditStartedMessage(auditId, parsed.scope, command.user_id, deps.defaults.controlIds.length);
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
          await deps.producers.enqueueAudit({ auditId, requestedBy: command.user_id, channelId: command.channel_id, request: parsed.scope, statusMessageTs: ts });
        } catch (err) {
          deps.logger.error({ err, code: 'QUEUE_UNAVAILABLE', auditId }, 'could not queue the audit');
          await client.chat
            .update({ channel: command.channel_id, ts, text: ':x: Could not queue the audit: the job queue (Redis) is unavailable. Try again in a minute.' })
            .catch((e: unknown) => deps.logger.error({ err: e }, 'could not update the status message'));
        }
        return;
      }
    }
  });
}
