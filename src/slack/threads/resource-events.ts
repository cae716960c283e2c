import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AuditResult } from '../../audit/report.js';
import type { ResourceRef } from '../../aws/resources.js';
import type { ApprovalPolicy } from '../../config.js';
import type { ResourceEventJobData } from '../../queue/jobs.js';
import { reconcile, type Reconciliation } from '../../remediation/reconcile.js';
import { controlIdsOf, resourceOf, type Proposal, type ProposalState, type ProposalStore } from '../../remediation/proposals.js';
import { suppressAccepted } from '../../risks/apply.js';
import type { RiskStore } from '../../risks/store.js';
import type { Route, RoutingFacts } from '../../routing.js';
import type { AuditTrail } from '../../trail.js';
import { proposalMessage } from '../blocks/proposal.js';
import type { Pacer } from '../pacer.js';
import { prepareProposal, showProposal } from './proposals.js';

/**
 * A change event in Slack: the targeted audit of the resource it names (and, for a monitoring schedule, the job
 * definition it points to), then only what is new: a new failure is proposed at the top of the owners' channel
 * (routing, with their user group mentioned); a failure already proposed on the same configuration posts nothing; a
 * pending proposal whose failures are gone is updated in place to "fixed outside the bot" (or "resource deleted",
 * or replaced by a newer proposal) and loses its buttons. Accepted risks are applied first, so a resource in an
 * accepted-risk scope is audited and posts nothing. Safe to run twice for one event: proposals are reused, and a
 * close happens once.
 */

/** One resource as the targeted audit read it. */
export interface ResourceAudit {
  ref: ResourceRef;
  /** False when the resource no longer exists. */
  found: boolean;
  /** Every control of the resource's kind, evaluated on the fresh read (empty when not found). */
  results: AuditResult[];
  /** The resource's tags when they were read (routing or approval rules need them), else null. */
  tags: Record<string, string> | null;
}

export interface ResourceEventDeps {
  slack: WebClient;
  proposals: ProposalStore;
  trail: AuditTrail;
  risks: Pick<RiskStore, 'listActive'>;
  policy: ApprovalPolicy;
  pacer: Pacer;
  /** Reads the resource (and what it points to) with the audit's role; a worker-side port (this module calls no AWS). */
  auditResource(ref: ResourceRef): Promise<ResourceAudit[]>;
  /** Where a resource's news goes (the routing table, or the digest channel without one). */
  routeFor(facts: RoutingFacts): Promise<Route>;
  logger?: Logger;
  now?: () => Date;
}

export interface ResourceEventOutcome {
  resourceArn: string;
  action: Reconciliation['action'];
  why?: string;
  proposalId?: string;
  channel?: string;
}

export async function handleResourceEvent(data: ResourceEventJobData, deps: ResourceEventDeps): Promise<ResourceEventOutcome[]> {
  const now = deps.now ?? (() => new Date());
  const audits = await deps.auditResource(data.ref);
  // Risks that cannot be read leave failures FAILED (never hidden): at worst one proposal too many.
  const risks = await deps.risks.listActive().catch((err: unknown) => {
    deps.logger?.warn({ err }, 'accepted risks could not be read; failures are shown as they are');
    return [];
  });
  const outcomes: ResourceEventOutcome[] = [];
  for (const audit of audits) {
    const fresh = audit.found ? { found: true as const, results: suppressAccepted(audit.results, risks, now()) } : { found: false as const };
    const latest = await deps.proposals.latestFor({ accountId: audit.ref.accountId, region: audit.ref.region, resourceArn: audit.ref.arn });
    const decision = reconcile(fresh, latest, data.cause);
    const outcome: ResourceEventOutcome = { resourceArn: audit.ref.arn, action: decision.action };
    if (decision.action === 'nothing') {
      outcome.why = decision.why;
    } else if (decision.action === 'close') {
      outcome.why = decision.why;
      outcome.proposalId = decision.proposalId;
      await closeProposal(deps, decision.proposalId, decision.note, now);
    } else {
      const route = await deps.routeFor({ accountId: audit.ref.accountId, region: audit.ref.region, ...(audit.tags ? { tags: audit.tags } : {}) });
      const prepared = await prepareProposal(deps, decision.draft, {
        auditId: `event-${data.ref.accountId}-${Date.parse(data.receivedAt) || now().getTime()}`,
        requestedBy: 'change-event',
        slack: { channelId: route.channel },
        tags: audit.tags,
        trigger: { cause: data.cause, at: data.at, route: { rule: route.rule, mention: route.mention } },
        now,
      });
      outcome.proposalId = prepared.proposal.id;
      outcome.channel = route.channel;
      if (prepared.created) {
        const shown = await showProposal(deps, prepared.proposal, {
          actor: 'worker',
          detail: `change event ${data.cause} (route ${route.rule})`,
          now,
          post: (message) => deps.pacer.run(route.channel, () => deps.slack.chat.postMessage({ channel: route.channel, text: message.text, blocks: message.blocks })),
        });
        if (!shown) outcome.why = 'not-posted';
      } else {
        outcome.why = 'reused';
      }
      if (decision.replaces && prepared.created) await closeProposal(deps, decision.replaces.proposalId, decision.replaces.note, now);
    }
    deps.logger?.info({ resource: audit.ref.arn, cause: data.cause, ...outcome }, 'change event audited');
    outcomes.push(outcome);
  }
  return outcomes;
}

/** Closes a pending proposal (once: a second close changes nothing), records it, and updates its message in place. */
async function closeProposal(deps: ResourceEventDeps, proposalId: string, note: string, now: () => Date): Promise<void> {
  const closed = await deps.proposals.close(proposalId, note, now());
  if (!closed.changed || !closed.state) return;
  const found = await deps.proposals.get(proposalId);
  if (!found) return;
  await recordClosed(deps.trail, found.proposal, note);
  await updateMessage(deps, found.proposal, closed.state);
}

async function recordClosed(trail: AuditTrail, proposal: Proposal, note: string): Promise<void> {
  const r = resourceOf(proposal);
  await trail.record({
    type: 'closed',
    actor: 'worker',
    proposalId: proposal.id,
    controlId: controlIdsOf(proposal).join(', '),
    resourceArn: r.resourceArn,
    resourceName: r.resourceName,
    accountId: r.accountId,
    region: r.region,
    detail: note,
  });
}

async function updateMessage(deps: ResourceEventDeps, proposal: Proposal, state: ProposalState): Promise<void> {
  const { channelId, messageTs } = proposal.slack;
  if (!messageTs) return;
  try {
    await deps.slack.chat.update({ channel: channelId, ts: messageTs, ...proposalMessage(proposal, state, deps.policy) });
  } catch (err) {
    // The proposal is closed in Redis either way; its buttons answer "no decision needed" if clicked.
    deps.logger?.warn({ err, proposalId: proposal.id }, 'could not update a closed proposal message');
  }
}
