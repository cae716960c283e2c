import { SEVERITIES } from '../../aws/resources.js';
import { ageInDays } from '../../digest/keys.js';
import type { Posture, TrendChart } from '../../digest/posture.js';
import { controlIdsOf, resourceOf, type Proposal, type ProposalState } from '../../remediation/proposals.js';
import type { AcceptedRiskRecord } from '../../risks/types.js';
import { ACTION_IDS, HOME_ACTION_IDS, HOME_BLOCK_IDS, LIMITS } from '../ids.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import { plural, safe, slackTime } from '../format.js';
import { days, itemLine, listSection, riskLine } from './digest.js';
import { approveButton, SEVERITY_ICON } from './proposal.js';
import type { KnownBlock } from './types.js';

/**
 * App Home (pure builder): posture at a glance for the person who opens it. Failing by severity and the digest's
 * 30-day trend chart, the oldest open failures, the proposals waiting for THIS person's approval (Approve/Deny), the
 * accepted risks expiring within 7 days, and buttons to run an audit or a digest into a chosen channel. Every list is
 * capped, so the view stays far below Slack's 100 blocks and 250 kB whatever Redis holds.
 */

export interface WaitingProposal {
  proposal: Proposal;
  state: ProposalState;
  /** Who may approve and how far the approvals are (the proposal message's line). */
  approval: string;
}

export interface HomeModel {
  now: Date;
  posture: Posture | null;
  chart: TrendChart | null;
  /** Proposals this person may approve, riskiest first. */
  waiting: WaitingProposal[];
  /** Accepted risks in force that end within 7 days, soonest first. */
  expiring: AcceptedRiskRecord[];
  /** The channel the run buttons start in (the digest channel), until the person picks one. */
  defaultChannel: string | undefined;
  /** The answer to this person's last click, shown once at the top. */
  notice?: string;
}

/** Proposals shown with buttons; the rest are counted. */
export const HOME_WAITING_SHOWN = 8;

function section(blockId: string, text: string): KnownBlock {
  return { type: 'section', block_id: blockId, text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

function postureBlocks(p: Posture | null, chart: TrendChart | null, now: Date): KnownBlock[] {
  if (!p) {
    return [section(HOME_BLOCK_IDS.posture, ':grey_question: No audit of the whole configured scope yet: run one below, or wait for the daily digest.')];
  }
  const blocks: KnownBlock[] = [
    section(
      HOME_BLOCK_IDS.posture,
      `*${plural(p.failing, 'failing check')}* · ${plural(p.suppressed, 'accepted risk')} · ${p.checked} checked — as of ${slackTime(p.at)} (${p.source === 'digest' ? 'the daily digest' : 'the last full audit'})`,
    ),
    { type: 'section', block_id: HOME_BLOCK_IDS.severity, fields: SEVERITIES.map((s) => ({ type: 'mrkdwn' as const, text: `${SEVERITY_ICON[s]} *${s}*\n${p.bySeverity[s] ?? 0}` })) },
  ];
  blocks.push(
    chart
      ? {
          type: 'image',
          block_id: HOME_BLOCK_IDS.chart,
          slack_file: { id: chart.fileId },
          alt_text: `Failing SageMaker resources per day, stacked by severity, over the 30 days to ${chart.day}`,
          title: { type: 'plain_text', text: `Failing resources, 30 days to ${chart.day}` },
        }
      : { type: 'context', block_id: HOME_BLOCK_IDS.chart, elements: [{ type: 'mrkdwn', text: 'The 30-day trend appears here after the first daily digest.' }] },
  );
  if (p.oldest.length > 0) {
    blocks.push(listSection(HOME_BLOCK_IDS.oldest, '*Oldest open failures*', p.oldest.map((o) => itemLine(o, ` · open ${days(ageInDays(o.firstSeen, now))}`)), '— `sagemaker-audit scan` lists them all'));
  }
  return blocks;
}

function waitingBlocks(waiting: readonly WaitingProposal[]): KnownBlock[] {
  const blocks: KnownBlock[] = [section(HOME_BLOCK_IDS.waiting, `*Waiting for your approval* (${waiting.length})${waiting.length === 0 ? '\nNothing right now.' : ''}`)];
  for (const w of waiting.slice(0, HOME_WAITING_SHOWN)) {
    const r = resourceOf(w.proposal);
    const plan = w.proposal.plan;
    const sev = w.proposal.results[0]!.severity;
    blocks.push(
      section(
        HOME_BLOCK_IDS.waitingItem(w.proposal.id),
        [
          `${SEVERITY_ICON[sev] ?? ''} ${code(truncate(r.resourceName, 100))} ${code(r.accountId)}/${code(r.region)} — ${escapeMrkdwn(controlIdsOf(w.proposal).join(', '))}`,
          `${plan.kind === 'recreate' ? 'Creates a compliant copy' : 'In place'}: ${safe(plan.summary, 300)}`,
          w.approval,
        ].join('\n'),
      ),
      {
        type: 'actions',
        block_id: HOME_BLOCK_IDS.waitingActions(w.proposal.id),
        elements: [approveButton(w.proposal), { type: 'button', action_id: ACTION_IDS.deny, text: { type: 'plain_text', text: 'Deny' }, style: 'danger', value: w.proposal.id }],
      },
    );
  }
  if (waiting.length > HOME_WAITING_SHOWN) {
    blocks.push({ type: 'context', block_id: HOME_BLOCK_IDS.waitingMore, elements: [{ type: 'mrkdwn', text: `… and ${waiting.length - HOME_WAITING_SHOWN} more, in their audit threads.` }] });
  }
  return blocks;
}

export function homeView(model: HomeModel) {
  const blocks: KnownBlock[] = [];
  if (model.notice) blocks.push(section(HOME_BLOCK_IDS.notice, model.notice));
  blocks.push({ type: 'header', block_id: HOME_BLOCK_IDS.header, text: { type: 'plain_text', text: 'SageMaker posture' } });
  blocks.push(...postureBlocks(model.posture, model.chart, model.now));
  blocks.push({ type: 'divider' }, ...waitingBlocks(model.waiting), { type: 'divider' });
  blocks.push(
    model.expiring.length > 0
      ? listSection(HOME_BLOCK_IDS.expiring, `*Accepted risks expiring within 7 days* (${model.expiring.length})`, model.expiring.map((r) => riskLine(r, model.now)), '— `/sagemaker-audit exceptions` lists them all')
      : section(HOME_BLOCK_IDS.expiring, '*Accepted risks expiring within 7 days:* none.'),
  );
  blocks.push(
    { type: 'divider' },
    section(HOME_BLOCK_IDS.runTitle, '*Run now* — into the channel you pick (the bot must be in it):'),
    {
      type: 'actions',
      block_id: HOME_BLOCK_IDS.run,
      elements: [
        {
          type: 'conversations_select',
          action_id: HOME_ACTION_IDS.channel,
          placeholder: { type: 'plain_text', text: 'Pick a channel' },
          ...(model.defaultChannel ? { initial_conversation: model.defaultChannel } : {}),
          filter: { include: ['public', 'private'], exclude_bot_users: true },
        },
        { type: 'button', action_id: HOME_ACTION_IDS.audit, text: { type: 'plain_text', text: 'Audit now' }, style: 'primary', value: 'audit' },
        { type: 'button', action_id: HOME_ACTION_IDS.digest, text: { type: 'plain_text', text: 'Digest now' }, value: 'digest' },
      ],
    },
    { type: 'context', block_id: HOME_BLOCK_IDS.footer, elements: [{ type: 'mrkdwn', text: 'Counts from the last audit of the whole configured scope or the last digest · refreshed after each audit and digest · `/sagemaker-audit help`' }] },
  );
  return { type: 'home' as const, blocks };
}
