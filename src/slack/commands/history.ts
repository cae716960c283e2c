import type { RecordedTrailEvent } from '../../trail.js';
import { mention, safe } from '../format.js';
import { ephemeral } from '../listener-kit.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import type { CommandContext, ListenerDeps } from '../deps.js';

function historyLine(e: RecordedTrailEvent): string {
  const actor = e.actor === 'worker' || e.actor === 'scheduler' ? e.actor : mention(e.actor);
  const what = [e.controlId ? escapeMrkdwn(e.controlId) : '', e.resourceName ? code(truncate(e.resourceName, 80)) : '', e.accountId ? code(e.accountId) : '', e.region ? code(e.region) : '']
    .filter(Boolean)
    .join(' ');
  const detail = e.detail ? ` — ${safe(e.detail, 200)}` : '';
  return `• ${escapeMrkdwn(e.at)} *${escapeMrkdwn(e.type)}* by ${actor}${what ? ` · ${what}` : ''}${e.proposalId ? ` · ${code(e.proposalId)}` : ''}${detail}`;
}

/** `/sagemaker-audit history [resource]`: the audit trail, newest first, ephemeral. */
export async function historyCommand(parsed: { resource: string | undefined }, { respond }: CommandContext, deps: ListenerDeps): Promise<void> {
  const events = await deps.trail.history({ resource: parsed.resource, limit: 20 });
  const title = parsed.resource ? `*Audit trail for ${code(truncate(parsed.resource, 200))}* (newest first)` : '*Audit trail* (newest first, last 20)';
  const body = events.length > 0 ? events.map(historyLine).join('\n') : 'No events recorded.';
  await respond(ephemeral(`${title}\n${body}`));
}
