import type { AcceptedRiskRecord } from '../../risks/types.js';
import { LIMITS } from '../ids.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import { chunkLines, mention, plural, safe } from '../format.js';
import { RISK_ACTION_IDS } from '../views/accept-risk.js';
import type { KnownBlock } from './types.js';

/** Risks shown one per block (with a Revoke button for approvers); the rest are listed as text. */
const MAX_WITH_BUTTONS = 40;

function riskText(r: AcceptedRiskRecord): string {
  const what = r.scope === 'resource' ? `${code(truncate(r.resourceName, 100))} · ${code(r.accountId)}/${code(r.region)}` : `every resource in account ${code(r.accountId)}`;
  const sh = r.securityHub ? ` · Security Hub: ${plural(r.securityHub.findings.length, 'finding')} suppressed` : '';
  return `*${escapeMrkdwn(r.controlId)}* ${what}\nUntil *${r.expiresAt.slice(0, 10)}* · accepted by ${mention(r.acceptedBy)} on ${r.acceptedAt.slice(0, 10)}${sh}\n_${safe(r.reason, 500)}_`;
}

/** `/sagemaker-audit exceptions`: the accepted risks in force, soonest expiry first. Pure. */
export function exceptionsBlocks(risks: readonly AcceptedRiskRecord[], o: { canRevoke: boolean; recentlyEnded?: readonly AcceptedRiskRecord[] }): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: `Accepted risks (${risks.length})` } }];
  if (risks.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'No accepted risks are in force. Use *Accept risk* on a proposal or a digest item to add one.' } });
  }
  const sorted = [...risks].sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  const withButtons = sorted.slice(0, MAX_WITH_BUTTONS);
  for (const r of withButtons) {
    blocks.push({
      type: 'section',
      block_id: `risk-${r.id}`,
      text: { type: 'mrkdwn', text: truncate(riskText(r), LIMITS.sectionText) },
      ...(o.canRevoke
        ? {
            accessory: {
              type: 'button' as const,
              action_id: RISK_ACTION_IDS.revoke,
              text: { type: 'plain_text' as const, text: 'Revoke' },
              style: 'danger' as const,
              value: r.id,
              confirm: {
                title: { type: 'plain_text' as const, text: 'Revoke this accepted risk?' },
                text: { type: 'plain_text' as const, text: 'The finding counts as failing again from the next audit.' },
                confirm: { type: 'plain_text' as const, text: 'Revoke' },
                deny: { type: 'plain_text' as const, text: 'Cancel' },
              },
            },
          }
        : {}),
    });
  }
  const rest = sorted.slice(MAX_WITH_BUTTONS);
  if (rest.length > 0) {
    const chunks = chunkLines(
      rest.map((r) => `• *${escapeMrkdwn(r.controlId)}* ${r.scope === 'resource' ? code(truncate(r.resourceName, 80)) : `account ${code(r.accountId)}`} until ${r.expiresAt.slice(0, 10)}`),
      LIMITS.sectionText - 100,
    );
    // Keep room for the context block.
    const room = LIMITS.blocksPerMessage - blocks.length - 2;
    chunks.slice(0, room).forEach((c) => blocks.push({ type: 'section', text: { type: 'mrkdwn', text: c } }));
    if (chunks.length > room) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and more not shown (${risks.length} in total).` }] });
  }
  const ended = o.recentlyEnded ?? [];
  const footer = [
    o.canRevoke ? 'Approvers can revoke; a revoked or expired risk counts as failing again.' : 'Only approvers can revoke.',
    ended.length > 0 ? `${plural(ended.length, 'risk')} ended in the last 7 days.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  if (blocks.length < LIMITS.blocksPerMessage) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: footer }] });
  return blocks.slice(0, LIMITS.blocksPerMessage);
}

export function exceptionsText(risks: readonly AcceptedRiskRecord[]): string {
  return `${plural(risks.length, 'accepted risk')} in force`;
}
