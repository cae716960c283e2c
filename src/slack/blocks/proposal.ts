import type { Proposal, ProposalState } from '../../remediation/proposals.js';
import { ACTION_IDS, BLOCK_IDS, LIMITS } from '../ids.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import { chunkLines, mention, plainSafe, safe, safeWithCode, slackTime } from '../format.js';
import type { KnownBlock } from './types.js';
import { acceptRiskButton } from '../views/accept-risk.js';

/**
 * One proposal = one thread message. The same pure builder renders the first post (pending, with buttons) and
 * every later state in place (approved / denied / running / succeeded / failed, without buttons).
 * Text from AWS (names, reasons) and from plans is truncated, then escaped.
 */

const SEVERITY_ICON: Record<string, string> = { CRITICAL: ':red_circle:', HIGH: ':large_orange_circle:', MEDIUM: ':large_yellow_circle:', LOW: ':white_circle:' };

const STATUS_LINE: Record<ProposalState['status'], (s: ProposalState) => string> = {
  pending: () => ':hourglass: Waiting for an approver',
  approved: (s) => `:white_check_mark: Approved by ${mention(s.decidedBy)} at ${slackTime(s.decidedAt)} — queued`,
  denied: (s) => `:x: Denied by ${mention(s.decidedBy)} at ${slackTime(s.decidedAt)}`,
  running: (s) => `:gear: Running — approved by ${mention(s.decidedBy)} at ${slackTime(s.decidedAt)}`,
  succeeded: (s) => `:white_check_mark: Fixed — approved by ${mention(s.decidedBy)} at ${slackTime(s.decidedAt)}, finished ${slackTime(s.updatedAt)}`,
  failed: (s) => `:warning: Failed — approved by ${mention(s.decidedBy)} at ${slackTime(s.decidedAt)}, stopped ${slackTime(s.updatedAt)}`,
};

/** A short token that changes with each rendered state, for fresh block ids. */
function version(state: ProposalState): string {
  const t = Date.parse(state.updatedAt);
  return `${state.status}${Number.isNaN(t) ? '' : t.toString(36)}`;
}

function section(blockId: string, text: string): KnownBlock {
  return { type: 'section', block_id: blockId, text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

/** Plain text for notifications and screen readers (escaped: Slack parses `text` as mrkdwn too). */
export function proposalText(proposal: Proposal, state: ProposalState): string {
  const r = proposal.result;
  return `${r.controlId} ${r.severity} FAILED for ${safe(r.resourceName, 200)} — proposal ${state.status}`;
}

export function proposalBlocks(proposal: Proposal, state: ProposalState): KnownBlock[] {
  const r = proposal.result;
  const plan = r.remediation;
  const v = version(state);
  const id = (part: string) => BLOCK_IDS.proposal(proposal.id, part, v);
  const blocks: KnownBlock[] = [];

  blocks.push(
    section(
      id('what'),
      [
        `${SEVERITY_ICON[r.severity] ?? ':red_circle:'} *${escapeMrkdwn(r.controlId)}* (${r.severity}) FAILED for ${code(truncate(r.resourceName, 150))}`,
        `Account ${code(r.accountId)} · ${code(r.region)} · ${escapeMrkdwn(r.resourceType)}`,
        `*Why:* ${safe(r.reason, 500)}`,
      ].join('\n'),
    ),
  );

  // An approver decides on this text: keep what the fix disrupts whole (plans' texts are a few hundred characters);
  // the caps only guard the section's 3,000-character limit.
  const fixLines = [
    `*${plan.kind === 'manual' ? 'Manual fix' : plan.kind === 'recreate' ? 'Fix (creates a compliant copy)' : 'Fix (in place)'}:* ${safeWithCode(plan.summary, 600)}`,
    `*Disrupts:* ${plan.disruption ? safeWithCode(plan.disruption, 1000) : 'nothing'}`,
    `*Rollback:* ${plan.rollback ? safeWithCode(plan.rollback, 600) : 'not needed'}`,
  ];
  if (plan.allowedStates.length > 0) fixLines.push(`*Runs from:* ${plan.allowedStates.slice(0, 10).map((s) => code(truncate(s, 40))).join(', ')}`);
  blocks.push(section(id('fix'), fixLines.join('\n')));

  const stepLines = plan.steps.map((s, i) => `${i + 1}. ${safeWithCode(s.title, 400)}`);
  stepLines.push(`${plan.steps.length + 1}. Verify: ${escapeMrkdwn(plan.verify.controlId)} is re-evaluated on a fresh read and must pass`);
  const heading = plan.kind === 'manual' ? '*Guided steps* (no automatic fix: a person does these):' : '*Steps the worker will run:*';
  // Two step sections at most: the whole message stays under Slack's undocumented total-size limit (~13k).
  const chunks = chunkLines([heading, ...stepLines], LIMITS.sectionText - 100);
  const shown = chunks.slice(0, 2);
  shown.forEach((c, i) => blocks.push(section(id(`steps${i}`), c)));
  if (chunks.length > shown.length) blocks.push(section(id('steps-more'), `… the plan has ${plan.steps.length} steps; see \`sagemaker-audit scan --controls ${escapeMrkdwn(r.controlId)}\``));

  const statusLine =
    state.status === 'pending' && plan.kind === 'manual'
      ? ':clipboard: No automatic fix: follow the guided steps, then run the audit again to confirm'
      : STATUS_LINE[state.status](state);
  const statusText = `${statusLine}${state.note ? `\n${safe(state.note, 300)}` : ''}`;
  // While pending, an approver may accept the risk instead of fixing it (src/slack/actions/risks.ts).
  blocks.push(
    state.status === 'pending'
      ? { type: 'section', block_id: id('status'), text: { type: 'mrkdwn', text: truncate(statusText, LIMITS.sectionText) }, accessory: acceptRiskButton({ proposalId: proposal.id }) }
      : section(id('status'), statusText),
  );

  if (state.status === 'pending' && plan.kind !== 'manual') {
    blocks.push({
      type: 'actions',
      block_id: id('actions'),
      elements: [
        {
          type: 'button',
          action_id: ACTION_IDS.approve,
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          value: proposal.id,
          confirm: {
            title: { type: 'plain_text', text: truncate(`Fix ${r.controlId}?`, LIMITS.confirmTitle) },
            text: {
              type: 'plain_text',
              text: truncate(
                plainSafe(`${plan.steps.length} step(s) on ${r.resourceName} in ${r.accountId} ${r.region}.${plan.disruption ? ` Disrupts: ${plan.disruption}` : ''}`),
                LIMITS.confirmText,
              ),
            },
            confirm: { type: 'plain_text', text: 'Approve' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
        { type: 'button', action_id: ACTION_IDS.deny, text: { type: 'plain_text', text: 'Deny' }, style: 'danger', value: proposal.id },
      ],
    });
  }

  const drift = r.securityHub ? ` · Security Hub: ${escapeMrkdwn(r.securityHub.drift)}` : '';
  blocks.push({
    type: 'context',
    block_id: id('meta'),
    elements: [{ type: 'mrkdwn', text: truncate(`Proposal ${code(proposal.id)} · requested by ${mention(proposal.requestedBy)}${drift} · ${code(truncate(r.resourceArn, 300))}`, LIMITS.sectionText) }],
  });
  return blocks;
}

/** `text` + `blocks` for chat.postMessage / chat.update. */
export function proposalMessage(proposal: Proposal, state: ProposalState): { text: string; blocks: KnownBlock[] } {
  return { text: proposalText(proposal, state), blocks: proposalBlocks(proposal, state) };
}
