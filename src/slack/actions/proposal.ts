import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { controlIdsOf, resourceOf, type Proposal, type ProposalState } from '../../remediation/proposals.js';
import { describePrincipals } from '../approvers.js';
import { proposalMessage } from '../blocks/proposal.js';
import type { ListenerDeps } from '../deps.js';
import { channelLink, mention, plural, slackTime } from '../format.js';
import { ACTION_IDS } from '../ids.js';
import { afterAck, channelOf, fromHome, teamOf, tellUser } from '../listener-kit.js';
import { code } from '../mrkdwn.js';

/**
 * Approve / Deny. Ack first; then the approval policy decides who may (group members read afresh); then one
 * compare-and-set in Redis records the decision (a second click by anyone changes nothing). An approval counts toward
 * the rule's number of distinct approvers, each recorded in the audit trail; earlier approvers no longer allowed
 * (taken out of a group) stop counting. The approval that completes the count queues the remediation job (job id =
 * proposal id). The message is updated in place, so the next approver sees who approved first.
 */

const PAST: Record<ProposalState['status'], string> = {
  pending: 'pending',
  approved: 'approved',
  denied: 'denied',
  running: 'approved and is running',
  succeeded: 'approved and already applied',
  failed: 'approved and has run (it failed)',
  closed: 'closed (no decision is needed any more)',
};

/**
 * Why this click may not decide the proposal, or undefined. The buttons live on the proposal's own message, so a
 * click from another channel or workspace is not a decision on it, signed or not.
 */
function clickOutOfScope(proposal: Proposal, body: BlockAction): { detail: string; tell: string } | undefined {
  const channel = channelOf(body);
  const team = teamOf(body);
  // The Home tab carries no channel; it shows a person only the proposals waiting for them.
  if (!fromHome(body) && channel !== proposal.slack.channelId) {
    return {
      detail: `clicked in channel ${channel ?? 'unknown'}, the proposal is in ${proposal.slack.channelId}`,
      tell: `:no_entry: This click came from another channel than the proposal's message (${channelLink(proposal.slack.channelId)}): nothing was recorded. Decide it there.`,
    };
  }
  if (proposal.slack.teamId !== undefined && team !== proposal.slack.teamId) {
    return {
      detail: `clicked in workspace ${team ?? 'unknown'}, the proposal is in ${proposal.slack.teamId}`,
      tell: ':no_entry: This click came from another workspace than the proposal\'s message: nothing was recorded.',
    };
  }
  return undefined;
}

export function registerProposalActions(app: App, deps: ListenerDeps): void {
  const { proposals, trail, producers, logger } = deps;
  const policy = deps.config.app.approvalPolicy;
  const dryRun = deps.config.app.remediation.mode === 'dry-run';

  async function refresh(proposal: Proposal, fallback: ProposalState, client: WebClient, messageTs: string | undefined): Promise<void> {
    const ts = proposal.slack.messageTs ?? messageTs;
    if (!ts) return;
    // Render the latest state: the remediation worker may already have moved it on (running, …).
    const latest = (await proposals.get(proposal.id))?.state ?? fallback;
    const message = proposalMessage(proposal, latest, policy);
    await client.chat.update({ channel: proposal.slack.channelId, ts, text: message.text, blocks: message.blocks }).catch((err: unknown) => {
      logger.error({ err, code: 'SLACK_UPDATE_FAILED', proposalId: proposal.id }, 'could not update the proposal message');
    });
  }

  async function decide(decision: 'approve' | 'deny', body: BlockAction, action: ButtonAction, client: WebClient): Promise<void> {
    const proposalId = action.value ?? '';
    const userId = body.user.id;
    const found = proposalId ? await proposals.get(proposalId) : null;
    if (!found) {
      await tellUser(client, body, `:warning: I no longer know proposal ${code(proposalId.slice(0, 40))} (proposals expire after 30 days). Run the audit again for a fresh one.`, deps);
      return;
    }
    const { proposal } = found;
    const r = resourceOf(proposal);
    const where = { proposalId, controlId: controlIdsOf(proposal).join(', '), resourceArn: r.resourceArn, resourceName: r.resourceName, accountId: r.accountId, region: r.region };
    const alreadyDecided = async (s: ProposalState) =>
      tellUser(client, body, `:information_source: This fix was already ${PAST[s.status]}${s.decidedBy ? ` by ${mention(s.decidedBy)} at ${slackTime(s.decidedAt)}` : ''}. Nothing changed.`, deps);

    const elsewhere = clickOutOfScope(proposal, body);
    if (elsewhere) {
      await trail.record({ type: 'refused', actor: userId, ...where, detail: `${decision}: ${elsewhere.detail}` });
      await tellUser(client, body, elsewhere.tell, deps);
      return;
    }

    const allowed = await deps.approvers.check(userId, decision, proposal);
    if (!allowed.allowed) {
      await trail.record({ type: 'refused', actor: userId, ...where, detail: `${decision}: ${allowed.reason}` });
      await tellUser(client, body, `:no_entry: ${allowed.reason}`, deps);
      return;
    }

    if (decision === 'deny') {
      const { changed, state } = await proposals.transition(proposalId, ['pending'], 'denied', { by: userId, now: deps.now() });
      if (!changed || !state) {
        await alreadyDecided(state ?? found.state);
        return;
      }
      await trail.record({ type: 'denied', actor: userId, ...where });
      await refresh(proposal, state, client, body.message?.ts);
      if (fromHome(body)) await tellUser(client, body, `:x: You denied the fix of ${code(r.resourceName)}.`, deps);
      return;
    }

    const { rule } = deps.approvers.ruleFor(proposal);
    if (!rule) return; // check() allowed the approval, so a rule applies
    const earlier = (found.state.approvals ?? []).map((a) => a.by).filter((u) => u !== userId);
    const stillAllowed = earlier.length > 0 ? await deps.approvers.stillAllowed(earlier, proposal) : [];
    const outcome = await proposals.approve(proposalId, userId, rule.approvals, { checked: earlier, allowed: stillAllowed }, deps.now());
    if (outcome.outcome === 'not-pending') {
      await alreadyDecided(outcome.state ?? found.state);
      return;
    }
    if (outcome.outcome === 'already-approved-by-you') {
      await tellUser(client, body, `:information_source: You already approved this fix; it needs ${plural(rule.approvals - (outcome.state?.approvals ?? []).length, 'more approval')} from ${describePrincipals(rule.approvers)}.`, deps);
      return;
    }
    const { state, dropped } = outcome;
    for (const gone of dropped) {
      await trail.record({ type: 'approval-withdrawn', actor: gone, ...where, detail: `no longer an approver under rule "${rule.name}": the approval does not count` });
    }
    const count = (state.approvals ?? []).length;
    await trail.record({
      type: 'approved',
      actor: userId,
      ...where,
      detail: `approval ${count} of ${rule.approvals} under rule "${rule.name}"${outcome.outcome === 'approved' && dryRun ? ' (dry-run)' : ''}`,
    });

    if (outcome.outcome === 'approved') {
      try {
        await producers.enqueueRemediation({ proposalId, approvedBy: userId, approvedAt: state.decidedAt ?? state.updatedAt, dryRun });
        await proposals.markQueued(proposalId);
      } catch (err) {
        // The approval stays in the approved-not-queued index; startup (or the next approval) queues it.
        logger.error({ err, code: 'QUEUE_UNAVAILABLE', proposalId }, 'approved but could not queue the remediation yet');
      }
      // Cheap catch-up of approvals left behind by a crash between decision and enqueue.
      producers.requeueApproved(proposals, { dryRun }).catch((err: unknown) => logger.warn({ err }, 'requeue of approved proposals failed'));
      if (fromHome(body)) await tellUser(client, body, `:white_check_mark: Approved: the fix of ${code(r.resourceName)} is queued; its progress is in the audit thread.`, deps);
    } else {
      const others = (state.approvals ?? []).filter((a) => a.by !== userId).map((a) => mention(a.by));
      await tellUser(
        client,
        body,
        `:ballot_box_with_check: Your approval is recorded (${count} of ${rule.approvals}${others.length > 0 ? `, after ${others.join(' and ')}` : ''}).` +
          `${dropped.length > 0 ? ` ${dropped.map((u) => mention(u)).join(' and ')} ${dropped.length === 1 ? 'is' : 'are'} no longer an approver, so that approval does not count.` : ''}` +
          ` It needs ${plural(rule.approvals - count, 'more approval')} from ${describePrincipals(rule.approvers)}.`,
        deps,
      );
    }
    await refresh(proposal, state, client, body.message?.ts);
  }

  app.action<BlockAction<ButtonAction>>(ACTION_IDS.approve, async ({ ack, body, action, client }) => {
    await ack();
    await afterAck();
    await decide('approve', body, action, client);
  });
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.deny, async ({ ack, body, action, client }) => {
    await ack();
    await afterAck();
    await decide('deny', body, action, client);
  });
}
