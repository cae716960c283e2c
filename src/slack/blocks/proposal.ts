import type { ApprovalPolicy } from '../../config.js';
import type { GuidedFix } from '../../plans/merge.js';
import { controlIdsOf, resourceOf, type Proposal, type ProposalState, type ProposalTrigger } from '../../remediation/proposals.js';
import { describePrincipals, ruleFor, subjectOf, type RuleOutcome } from '../approvers.js';
import { ACTION_IDS, BLOCK_IDS, LIMITS } from '../ids.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import { chunkLines, groupMention, mention, plainSafe, plural, safe, safeWithCode, slackTime } from '../format.js';
import type { KnownBlock } from './types.js';
import { acceptRiskButton } from '../views/accept-risk.js';

/**
 * One proposal = one thread message about ONE resource: every control it fails, the one fix that runs for the
 * controls with an automatic fix, the guided steps for the others, and who may approve (the approval policy's rule).
 * The same pure builder renders the first post (pending, with buttons) and every later state in place (approvals so
 * far, approved / denied / running / succeeded / failed, without buttons). Text from AWS (names, reasons) and from
 * plans is truncated, then escaped.
 */

export const SEVERITY_ICON: Record<string, string> = { CRITICAL: ':red_circle:', HIGH: ':large_orange_circle:', MEDIUM: ':large_yellow_circle:', LOW: ':white_circle:' };

/** "<@A> and <@B>": who approved so far, or who decided. */
function approvedBy(s: ProposalState): string {
  const who = (s.approvals ?? []).map((a) => mention(a.by));
  return who.length > 0 ? who.join(' and ') : mention(s.decidedBy);
}

const STATUS_LINE: Record<ProposalState['status'], (s: ProposalState) => string> = {
  pending: (s) =>
    (s.approvals ?? []).length > 0
      ? `:hourglass: Approved by ${approvedBy(s)} at ${slackTime(s.approvals!.at(-1)!.at)}; waiting for more approvers`
      : ':hourglass: Waiting for an approver',
  approved: (s) => `:white_check_mark: Approved by ${approvedBy(s)} at ${slackTime(s.decidedAt)} — queued`,
  denied: (s) => `:x: Denied by ${mention(s.decidedBy)} at ${slackTime(s.decidedAt)}`,
  running: (s) => `:gear: Running — approved by ${approvedBy(s)} at ${slackTime(s.decidedAt)}`,
  succeeded: (s) => `:white_check_mark: Fixed — approved by ${approvedBy(s)} at ${slackTime(s.decidedAt)}, finished ${slackTime(s.updatedAt)}`,
  failed: (s) => `:warning: Failed — approved by ${approvedBy(s)} at ${slackTime(s.decidedAt)}, stopped ${slackTime(s.updatedAt)}`,
  closed: (s) => `:ballot_box_with_check: Closed at ${slackTime(s.updatedAt)}: no decision needed any more`,
};

/** A short token that changes with each rendered state, for fresh block ids. */
function version(state: ProposalState): string {
  const t = Date.parse(state.updatedAt);
  return `${state.status}${(state.approvals ?? []).length || ''}${Number.isNaN(t) ? '' : t.toString(36)}`;
}

function section(blockId: string, text: string): KnownBlock {
  return { type: 'section', block_id: blockId, text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

/** Plain text for notifications and screen readers (escaped: Slack parses `text` as mrkdwn too). */
export function proposalText(proposal: Proposal, state: ProposalState): string {
  const r = resourceOf(proposal);
  const group = proposal.trigger?.route.mention;
  return `${group && state.status === 'pending' ? `${groupMention(group)} ` : ''}${controlIdsOf(proposal).join(', ')} FAILED for ${safe(r.resourceName, 200)} — proposal ${state.status}`;
}

/** For a proposal a change event made: what changed, when, and the owners routing chose (mentioned). */
function triggerLine(trigger: ProposalTrigger): string {
  const owners = trigger.route.mention ? ` · ${groupMention(trigger.route.mention)}` : '';
  return `:zap: Found after ${code(truncate(trigger.cause, 80))} at ${slackTime(trigger.at)}${owners} (route ${code(truncate(trigger.route.rule, 80))})`;
}

/** Who may approve, how many, and how far the approvals are: a line for the proposal and App Home. */
export function approvalLine(outcome: RuleOutcome, state: ProposalState): string {
  if (!outcome.rule) return `:no_entry: ${safe(outcome.reason, 600)}`;
  const { rule } = outcome;
  const count = rule.approvals === 1 ? 'one approver' : `${rule.approvals} different approvers`;
  const requester = rule.requesterMayApprove ? '' : ', not the person who asked for the audit';
  const given = (state.approvals ?? []).length;
  const progress = state.status === 'pending' && rule.approvals > 1 ? ` · ${given} of ${rule.approvals} so far` : '';
  return `*Approval* (rule ${code(truncate(rule.name, 80))}): ${count} from ${describePrincipals(rule.approvers)}${requester}${progress}`;
}

function guidedText(g: GuidedFix): string {
  const lines = [
    `*Guided steps for ${escapeMrkdwn(g.controlIds.join(', '))}* (no automatic fix: a person does these): ${safeWithCode(g.summary, 500)}`,
    ...(g.disruption ? [`_Disrupts:_ ${safeWithCode(g.disruption, 500)}`] : []),
    ...g.steps.map((s, i) => `${i + 1}. ${safeWithCode(s.title, 300)}`),
  ];
  return chunkLines(lines, LIMITS.sectionText - 100)[0] ?? '';
}

/**
 * The message's text stays under Slack's undocumented total-size limit (~13k): sections share this budget, and what
 * is left for the status and context is kept aside. Guided fixes that do not fit are counted, with where to read them.
 */
const TEXT_BUDGET = 12_500;
/** Status (≤ 2,000), notes (≤ 600) and the context line (≤ ~500). */
const RESERVED = 3_200;
const MIN_GUIDED = 600;

export function proposalBlocks(proposal: Proposal, state: ProposalState, policy: ApprovalPolicy): KnownBlock[] {
  const r = resourceOf(proposal);
  const plan = proposal.plan;
  const automated = plan.kind !== 'manual';
  const v = version(state);
  const id = (part: string) => BLOCK_IDS.proposal(proposal.id, part, v);
  const blocks: KnownBlock[] = [];
  let budget = TEXT_BUDGET - RESERVED;
  const add = (part: string, text: string): void => {
    const cut = truncate(text, Math.max(100, Math.min(LIMITS.sectionText, budget)));
    budget -= cut.length;
    blocks.push(section(id(part), cut));
  };

  if (proposal.trigger) blocks.push({ type: 'context', block_id: id('trigger'), elements: [{ type: 'mrkdwn', text: triggerLine(proposal.trigger) }] });

  const fails = proposal.results.map((x) => `*${escapeMrkdwn(x.controlId)}* (${x.severity})`).join(', ');
  const why = proposal.results.map((x) => `• *${escapeMrkdwn(x.controlId)}:* ${safe(x.reason, 300)}`);
  add(
    'what',
    [
        `${SEVERITY_ICON[proposal.results[0]!.severity] ?? ':red_circle:'} ${code(truncate(r.resourceName, 150))} fails ${fails}`,
        `Account ${code(r.accountId)} · ${code(r.region)} · ${escapeMrkdwn(r.resourceType)}`,
      ...why,
    ].join('\n'),
  );

  if (automated) {
    // An approver decides on this text: keep what the fix disrupts whole (plans' texts are a few hundred characters);
    // the caps only guard the section's 3,000-character limit.
    const fixLines = [
      `*${plan.kind === 'recreate' ? 'Fix (creates a compliant copy)' : 'Fix (in place)'} for ${escapeMrkdwn(plan.verify.controlIds.join(', '))}:* ${safeWithCode(plan.summary, 700)}`,
      `*Disrupts:* ${plan.disruption ? safeWithCode(plan.disruption, 1000) : 'nothing'}`,
      `*Rollback:* ${plan.rollback ? safeWithCode(plan.rollback, 600) : 'not needed'}`,
    ];
    if (plan.allowedStates.length > 0) fixLines.push(`*Runs from:* ${plan.allowedStates.slice(0, 10).map((s) => code(truncate(s, 40))).join(', ')}`);
    add('fix', fixLines.join('\n'));

    const stepLines = plan.steps.map((s, i) => `${i + 1}. ${safeWithCode(s.title, 400)}`);
    stepLines.push(`${plan.steps.length + 1}. Verify: ${escapeMrkdwn(plan.verify.controlIds.join(', '))} ${plan.verify.controlIds.length === 1 ? 'is' : 'are'} re-evaluated on a fresh read and must pass`);
    // Two step sections at most: the whole message stays under Slack's undocumented total-size limit (~13k).
    const chunks = chunkLines(['*Steps the worker will run:*', ...stepLines], LIMITS.sectionText - 100);
    chunks.slice(0, 2).forEach((c, i) => add(`steps${i}`, c));
    if (chunks.length > 2) add('steps-more', `… the plan has ${plan.steps.length} steps; see \`sagemaker-audit scan --resource ${escapeMrkdwn(truncate(r.resourceName, 100))}\``);
  }

  const extra: GuidedFix[] = [];
  plan.guided.forEach((g, i) => (budget >= MIN_GUIDED ? add(`guided${i}`, guidedText(g)) : extra.push(g)));
  const notes: string[] = [];
  if (extra.length > 0) notes.push(`${plural(extra.length, 'more guided fix', 'more guided fixes')} for ${escapeMrkdwn(extra.flatMap((g) => g.controlIds).join(', '))}: see \`sagemaker-audit scan --resource ${escapeMrkdwn(truncate(r.resourceName, 100))}\`.`);
  if (plan.deferred.length > 0) {
    notes.push(`${escapeMrkdwn(plan.deferred.join(', '))} also ${plan.deferred.length === 1 ? 'has an automatic fix' : 'have automatic fixes'} that cannot run with these steps: the first audit after this fix proposes ${plan.deferred.length === 1 ? 'it' : 'them'}.`);
  }
  if (notes.length > 0) blocks.push(section(id('notes'), truncate(notes.join('\n'), 600)));

  const outcome = automated ? ruleFor(policy, subjectOf(proposal)) : undefined;
  const statusLine =
    state.status === 'pending' && !automated
      ? ':clipboard: No automatic fix: follow the guided steps, then run the audit again to confirm'
      : STATUS_LINE[state.status](state);
  const statusText = [statusLine, ...(outcome && state.status === 'pending' ? [approvalLine(outcome, state)] : []), ...(state.note ? [safe(state.note, 300)] : [])].join('\n');
  // While pending, an approver may accept the risk instead of fixing it (src/slack/actions/risks.ts).
  blocks.push(
    state.status === 'pending'
      ? { type: 'section', block_id: id('status'), text: { type: 'mrkdwn', text: truncate(statusText, 2000) }, accessory: acceptRiskButton({ proposalId: proposal.id }) }
      : section(id('status'), truncate(statusText, 2000)),
  );

  if (state.status === 'pending' && automated) {
    const elements: Extract<KnownBlock, { type: 'actions' }>['elements'] = [];
    if (outcome?.rule) elements.push(approveButton(proposal));
    elements.push({ type: 'button', action_id: ACTION_IDS.deny, text: { type: 'plain_text', text: 'Deny' }, style: 'danger', value: proposal.id });
    blocks.push({ type: 'actions', block_id: id('actions'), elements });
  }

  const drift = [...new Set(proposal.results.map((x) => x.securityHub?.drift).filter(Boolean))];
  blocks.push({
    type: 'context',
    block_id: id('meta'),
    elements: [
      {
        type: 'mrkdwn',
        text: truncate(
          `Proposal ${code(proposal.id)} · ${proposal.trigger ? 'found by a change event' : `requested by ${mention(proposal.requestedBy)}`}${drift.length > 0 ? ` · Security Hub: ${escapeMrkdwn(drift.join(', '))}` : ''} · ${code(truncate(r.resourceArn, 300))}`,
          LIMITS.sectionText,
        ),
      },
    ],
  });
  return blocks;
}

/** The Approve button with its confirmation (what runs, where, what it disrupts). */
export function approveButton(proposal: Proposal) {
  const r = resourceOf(proposal);
  const plan = proposal.plan;
  return {
    type: 'button' as const,
    action_id: ACTION_IDS.approve,
    text: { type: 'plain_text' as const, text: 'Approve' },
    style: 'primary' as const,
    value: proposal.id,
    confirm: {
      title: { type: 'plain_text' as const, text: truncate(plainSafe(`Fix ${plan.verify.controlIds.join(', ')}?`), LIMITS.confirmTitle) },
      text: {
        type: 'plain_text' as const,
        text: truncate(plainSafe(`${plan.steps.length} step(s) on ${r.resourceName} in ${r.accountId} ${r.region}.${plan.disruption ? ` Disrupts: ${plan.disruption}` : ''}`), LIMITS.confirmText),
      },
      confirm: { type: 'plain_text' as const, text: 'Approve' },
      deny: { type: 'plain_text' as const, text: 'Cancel' },
    },
  };
}

/** `text` + `blocks` for chat.postMessage / chat.update. */
export function proposalMessage(proposal: Proposal, state: ProposalState, policy: ApprovalPolicy): { text: string; blocks: KnownBlock[] } {
  return { text: proposalText(proposal, state), blocks: proposalBlocks(proposal, state, policy) };
}
