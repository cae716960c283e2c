import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Proposal, ProposalState } from '../../remediation/proposals.js';
import { proposalMessage } from '../blocks/proposal.js';
import type { ListenerDeps } from '../deps.js';
import { channelLink, mention, slackTime } from '../format.js';
import { ACTION_IDS } from '../ids.js';
import { afterAck, channelOf, teamOf, tellUser } from '../listener-kit.js';
import { code } from '../mrkdwn.js';

/**
 * Approve / Deny. Ack first; then authorise; then one compare-and-set decides (a second click by anyone changes
 * nothing); the winner queues the remediation job (job id = proposal id) and updates the message in place.
 */

const PAST: Record<ProposalState['status'], string> = {
  pending: 'pending',
  approved: 'approved',
  denied: 'denied',
  running: 'approved and is running',
  succeeded: 'approved and already applied',
  failed: 'approved and has run (it failed)',
};

/**
 * Why this click may not decide the proposal, or undefined. The buttons live on the proposal's own message, so a
 * click from another channel or workspace is not a decision on it, signed or not.
 */
function clickOutOfScope(proposal: Proposal, body: BlockAction): { detail: string; tell: string } | undefined {
  const channel = channelOf(body);
  const team = teamOf(body);
  if (channel !== proposal.slack.channelId) {
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
  const dryRun = deps.config.app.remediation.mode === 'dry-run';

  async function decide(decision: 'approve' | 'deny', body: BlockAction, action: ButtonAction, client: WebClient): Promise<void> {
    const proposalId = action.value ?? '';
    const userId = body.user.id;
    const found = proposalId ? await proposals.get(proposalId) : null;
    if (!found) {
      await tellUser(client, body, `:warning: I no longer know proposal ${code(proposalId.slice(0, 40))} (proposals expire after 30 days). Run the audit again for a fresh one.`, logger);
      return;
    }
    const { proposal } = found;
    const r = proposal.result;
    const where = { proposalId, controlId: r.controlId, resourceArn: r.resourceArn, resourceName: r.resourceName, accountId: r.accountId, region: r.region };

    const elsewhere = clickOutOfScope(proposal, body);
    if (elsewhere) {
      await trail.record({ type: 'refused', actor: userId, ...where, detail: `${decision}: ${elsewhere.detail}` });
      await tellUser(client, body, elsewhere.tell, logger);
      return;
    }

    const allowed = await deps.approvers.check(userId, decision, proposal.requestedBy);
    if (!allowed.allowed) {
      await trail.record({ type: 'refused', actor: userId, ...where, detail: `${decision}: ${allowed.reason}` });
      await tellUser(client, body, `:no_entry: ${allowed.reason}`, logger);
      return;
    }

    const to = decision === 'approve' ? 'approved' : 'denied';
    const { changed, state } = await proposals.transition(proposalId, ['pending'], to, { by: userId });
    if (!changed || !state) {
      const s = state ?? found.state;
      await tellUser(client, body, `:information_source: This fix was already ${PAST[s.status]}${s.decidedBy ? ` by ${mention(s.decidedBy)} at ${slackTime(s.decidedAt)}` : ''}. Nothing changed.`, logger);
      return;
    }
    await trail.record({ type: to, actor: userId, ...where, detail: decision === 'approve' && dryRun ? 'dry-run' : undefined });

    if (to === 'approved') {
      try {
        await producers.enqueueRemediation({ proposalId, approvedBy: userId, approvedAt: state.decidedAt ?? state.updatedAt, dryRun });
        await proposals.markQueued(proposalId);
      } catch (err) {
        // The approval stays in the approved-not-queued index; startup (or the next approval) queues it.
        logger.error({ err, code: 'QUEUE_UNAVAILABLE', proposalId }, 'approved but could not queue the remediation yet');
      }
      // Cheap catch-up of approvals left behind by a crash between decision and enqueue.
      producers.requeueApproved(proposals, { dryRun }).catch((err: unknown) => logger.warn({ err }, 'requeue of approved proposals failed'));
    }

    const channel = proposal.slack.channelId;
    const ts = proposal.slack.messageTs ?? body.message?.ts;
    if (ts) {
      // Render the latest state: the remediation worker may already have moved it on (running, …).
      const latest = (await proposals.get(proposalId))?.state ?? state;
      const message = proposalMessage(proposal, latest);
      await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }).catch((err: unknown) => {
        logger.error({ err, code: 'SLACK_UPDATE_FAILED', proposalId }, 'could not update the proposal message');
      });
    }
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
