import { newProposalId, type Proposal, type ProposalState, type ProposalStore } from '../../remediation/proposals.js';
import type { AuditTrail } from '../../trail.js';
import type { SlackMessage } from '../blocks/audit.js';
import { proposalMessage } from '../blocks/proposal.js';

/**
 * One remediation proposal, as the audit worker (one per fixable finding) and the digest's "Propose fix" button make
 * them: stored before it is shown (so a click can never arrive for a proposal the store does not know), posted in the
 * thread as a pending proposal, its message ts kept for later updates, and a 'proposed' event in the audit trail.
 */
export interface PostProposalDeps {
  proposals: ProposalStore;
  trail: AuditTrail;
}

export interface ProposalContext {
  /** An id claimed beforehand (the digest claims its item first); otherwise a new one. */
  id?: string;
  /** The audit job (or digest run) that found the failure. */
  auditId: string;
  /** Slack user who asked for it (for the two-person rule). */
  requestedBy: string;
  /** The thread the proposal is posted in, and its workspace: only a click from there may decide it. */
  slack: { channelId: string; threadTs: string; teamId?: string };
  /** Actor and detail of the 'proposed' trail event. */
  actor: string;
  detail: string;
  now: () => Date;
  /**
   * Posts the message in the thread. Resolves to Slack's answer, or undefined when it was not posted (the proposal
   * then stays stored but unshown, with no trail event); a throw propagates.
   */
  post: (message: SlackMessage) => Promise<{ ts?: string } | undefined>;
}

/** Resolves to the proposal once posted, undefined when `post` did not post it. */
export async function postProposal(deps: PostProposalDeps, result: Proposal['result'], context: ProposalContext): Promise<Proposal | undefined> {
  const { proposals, trail } = deps;
  const proposal: Proposal = {
    id: context.id ?? newProposalId(),
    createdAt: context.now().toISOString(),
    auditId: context.auditId,
    requestedBy: context.requestedBy,
    result,
    // The engine computes configurationFingerprint(snapshot.detail, snapshot.tags) per result; the drift gate
    // compares with it. Without one (Security Hub-only result) there is nothing to compare: empty string.
    fingerprint: result.fingerprint ?? '',
    slack: { channelId: context.slack.channelId, threadTs: context.slack.threadTs, ...(context.slack.teamId ? { teamId: context.slack.teamId } : {}) },
  };
  await proposals.create(proposal, context.now());
  const state: ProposalState = { status: 'pending', updatedAt: context.now().toISOString() };
  const posted = await context.post(proposalMessage(proposal, state));
  if (!posted) return undefined;
  if (posted.ts) await proposals.setMessageTs(proposal.id, posted.ts);
  await trail.record({
    type: 'proposed',
    actor: context.actor,
    proposalId: proposal.id,
    controlId: result.controlId,
    resourceArn: result.resourceArn,
    resourceName: result.resourceName,
    accountId: result.accountId,
    region: result.region,
    detail: context.detail,
  });
  return proposal;
}
