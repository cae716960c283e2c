import type { ApprovalPolicy } from '../../config.js';
import {
  controlIdsOf,
  newProposalId,
  resourceOf,
  type Proposal,
  type ProposalDraft,
  type ProposalState,
  type ProposalStore,
  type ProposalTrigger,
} from '../../remediation/proposals.js';
import type { AuditTrail } from '../../trail.js';
import type { SlackMessage } from '../blocks/audit.js';
import { proposalMessage } from '../blocks/proposal.js';

/**
 * One remediation proposal per resource, as the audit worker, its "Show next 10" button and the digest's "Propose
 * fix" make them: stored before it is shown (so a click can never arrive for a proposal the store does not know),
 * unless a proposal for the same resource and configuration is still open (then that one stands and nothing is
 * posted); posted in the thread as pending; its message ts kept for later updates; a 'proposed' trail event.
 */
export interface PostProposalDeps {
  proposals: ProposalStore;
  trail: AuditTrail;
  policy: ApprovalPolicy;
}

export interface ProposalContext {
  /** An id claimed beforehand (the digest claims its item first); otherwise a new one. */
  id?: string;
  /** The audit job (or digest run) that found the failures. */
  auditId: string;
  /** Slack user who asked for it (approval rules may exclude them). */
  requestedBy: string;
  /**
   * Where the proposal is posted, and its workspace: only a click from there may decide it. Without `threadTs` it is
   * posted at the top of the channel and its own message holds its thread (a proposal a change event made).
   */
  slack: { channelId: string; threadTs?: string | undefined; teamId?: string | undefined };
  /** Set when a change event found the failures. */
  trigger?: ProposalTrigger | undefined;
  /** The resource's tags, when read (approval rules may match on them). */
  tags: Record<string, string> | null;
  now: () => Date;
}

export interface ShowContext {
  /** Actor and detail of the 'proposed' trail event. */
  actor: string;
  detail: string;
  /**
   * Posts the message in the thread. Resolves to Slack's answer, or undefined when it was not posted (the proposal
   * is then forgotten, so the next audit proposes the resource again); a throw forgets it too, and propagates.
   */
  post: (message: SlackMessage) => Promise<{ ts?: string } | undefined>;
}

export type PreparedProposal = { created: true; proposal: Proposal } | { created: false; proposal: Proposal; state: ProposalState };

/** Stores the draft as a new pending proposal, or finds the open one that already stands for the resource. */
export async function prepareProposal(deps: Pick<PostProposalDeps, 'proposals'>, draft: ProposalDraft, context: ProposalContext): Promise<PreparedProposal> {
  const proposal: Proposal = {
    ...draft,
    id: context.id ?? newProposalId(),
    createdAt: context.now().toISOString(),
    auditId: context.auditId,
    requestedBy: context.requestedBy,
    tags: context.tags,
    ...(context.trigger ? { trigger: context.trigger } : {}),
    // A top-level proposal's thread is its own message: empty until it is posted (setMessageTs fills it in).
    slack: { channelId: context.slack.channelId, threadTs: context.slack.threadTs ?? '', ...(context.slack.teamId ? { teamId: context.slack.teamId } : {}) },
  };
  const stored = await deps.proposals.createOrReuse(proposal, context.now());
  return stored.created ? { created: true, proposal } : { created: false, proposal: stored.existing.proposal, state: stored.existing.state };
}

/** Posts a stored, new proposal; resolves to whether it was posted. */
export async function showProposal(deps: PostProposalDeps, proposal: Proposal, context: ShowContext & { now: () => Date }): Promise<boolean> {
  const state: ProposalState = { status: 'pending', updatedAt: context.now().toISOString() };
  let posted: { ts?: string } | undefined;
  try {
    posted = await context.post(proposalMessage(proposal, state, deps.policy));
  } catch (err) {
    await deps.proposals.discard(proposal.id);
    throw err;
  }
  if (!posted) {
    await deps.proposals.discard(proposal.id);
    return false;
  }
  if (posted.ts) {
    await deps.proposals.setMessageTs(proposal.id, posted.ts);
    proposal.slack.messageTs = posted.ts;
    if (!proposal.slack.threadTs) proposal.slack.threadTs = posted.ts;
  }
  const r = resourceOf(proposal);
  await deps.trail.record({
    type: 'proposed',
    actor: context.actor,
    proposalId: proposal.id,
    controlId: controlIdsOf(proposal).join(', '),
    resourceArn: r.resourceArn,
    resourceName: r.resourceName,
    accountId: r.accountId,
    region: r.region,
    detail: context.detail,
  });
  return true;
}

/** Prepare and show: the new proposal once posted, the open one when it was reused, or undefined when not posted. */
export async function postProposal(deps: PostProposalDeps, draft: ProposalDraft, context: ProposalContext & ShowContext): Promise<PreparedProposal | undefined> {
  const prepared = await prepareProposal(deps, draft, context);
  if (!prepared.created) return prepared;
  return (await showProposal(deps, prepared.proposal, context)) ? prepared : undefined;
}
