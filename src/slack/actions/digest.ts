import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { draftFor, newProposalId, type ProposableResult } from '../../remediation/proposals.js';
import { DIGEST_ACTION_IDS, parseDigestItemValue } from '../blocks/digest.js';
import type { ListenerDeps } from '../deps.js';
import { teamOf, tellUser } from '../listener-kit.js';
import { code } from '../mrkdwn.js';
import { postProposal } from '../threads/proposals.js';

/**
 * "Propose fix" on a digest item: one proposal for the item's resource (every failing control of it) in the digest's
 * thread, as the audit worker makes them; a proposal still open for that resource and configuration is pointed to
 * instead of posted again.
 */
export function registerDigestActions(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(DIGEST_ACTION_IDS.proposeFix, async ({ ack, body, action, client }) => {
    await ack();
    const ref = parseDigestItemValue(action.value);
    const item = ref ? await deps.digestState.getItem(ref.runId, ref.index) : null;
    if (!ref || !item || !item.result.remediation) {
      await tellUser(client, body, ':warning: This digest item is too old to propose a fix from (kept 7 days). Run `/sagemaker-audit` for a fresh proposal.', deps);
      return;
    }
    const id = newProposalId();
    const existing = await deps.digestState.claimProposal(ref.runId, ref.index, id);
    if (existing) {
      await tellUser(client, body, `:information_source: A fix for this item was already proposed in the thread (proposal ${code(existing)}).`, deps);
      return;
    }
    const results = (item.resourceResults ?? [item.result]).filter((r): r is ProposableResult => r.status === 'FAILED' && r.remediation !== null);
    const at = deps.now();
    try {
      const outcome = await postProposal({ proposals: deps.proposals, trail: deps.trail, policy: deps.config.app.approvalPolicy }, draftFor(results), {
        id,
        auditId: `digest-${ref.runId}`,
        requestedBy: body.user.id,
        slack: { channelId: item.channelId, threadTs: item.threadTs, ...(teamOf(body) ? { teamId: teamOf(body) } : {}) },
        tags: item.tags ?? null,
        actor: body.user.id,
        detail: `from digest ${ref.runId}`,
        now: () => at,
        post: (message) => client.chat.postMessage({ channel: item.channelId, thread_ts: item.threadTs, text: message.text, blocks: message.blocks }),
      });
      if (outcome && !outcome.created) {
        await deps.digestState.releaseProposal(ref.runId, ref.index, id);
        await tellUser(client, body, `:information_source: This resource already has an open proposal (${code(outcome.proposal.id)}, ${outcome.state.status}) for the same configuration: approve or deny it there.`, deps);
      }
    } catch (err) {
      await deps.digestState.releaseProposal(ref.runId, ref.index, id);
      deps.logger.error({ err, proposalId: id }, 'could not propose a fix from the digest');
      await tellUser(client, body, ':warning: I could not post the proposal. Try again in a moment.', deps);
    }
  });
}
