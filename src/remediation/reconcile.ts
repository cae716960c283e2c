import type { AuditResult } from '../audit/report.js';
import { controlIdsOf, draftFor, type ProposableResult, type Proposal, type ProposalDraft, type ProposalState } from './proposals.js';

/**
 * What a fresh read of ONE resource (after a change event) means for its proposal. Pure: the caller reads, decides
 * with this, then acts. Only what is new is posted:
 * - a fix of the bot's own is under way (approved or running): nothing; its verification reports;
 * - the resource is gone: its pending proposal closes ("resource deleted");
 * - nothing fails any more: its pending proposal closes ("fixed outside the bot", or accepted as a risk);
 * - the same failures on the same configuration as the latest proposal (pending, denied or failed): nothing;
 * - after the bot's own fix succeeded, the failures it left to people (its guided steps): nothing;
 * - otherwise a new proposal, which replaces a pending one made for an older configuration.
 */

/** What the fresh read found. `results` have accepted risks applied (SUPPRESSED). */
export type FreshRead = { found: false } | { found: true; results: readonly AuditResult[] };

export type Reconciliation =
  | { action: 'nothing'; why: 'fix-under-way' | 'gone' | 'passing' | 'accepted-risk' | 'no-plan' | 'already-proposed' }
  | { action: 'close'; proposalId: string; why: 'deleted' | 'fixed' | 'accepted-risk'; note: string }
  | { action: 'propose'; draft: ProposalDraft; replaces?: { proposalId: string; note: string } };

type Latest = { proposal: Proposal; state: ProposalState } | null;

/** Statuses where the latest proposal still stands for the resource's failures (a decision was asked for or made). */
const STANDING: ReadonlySet<ProposalState['status']> = new Set(['pending', 'denied', 'failed']);

export function reconcile(fresh: FreshRead, latest: Latest, cause: string): Reconciliation {
  const pending = latest?.state.status === 'pending' ? latest : null;
  if (latest && (latest.state.status === 'approved' || latest.state.status === 'running')) return { action: 'nothing', why: 'fix-under-way' };

  if (!fresh.found) {
    return pending
      ? { action: 'close', proposalId: pending.proposal.id, why: 'deleted', note: `Resource deleted (${cause}): nothing left to fix.` }
      : { action: 'nothing', why: 'gone' };
  }

  const failing = fresh.results.filter((r): r is ProposableResult => r.status === 'FAILED' && r.remediation !== null);
  if (failing.length === 0) {
    const accepted = fresh.results.some((r) => r.status === 'SUPPRESSED');
    // A FAILED result without a plan (its plan could not be made) has nothing to propose; it is in the digest.
    if (fresh.results.some((r) => r.status === 'FAILED')) return { action: 'nothing', why: 'no-plan' };
    if (!pending) return { action: 'nothing', why: accepted ? 'accepted-risk' : 'passing' };
    const claimed = controlIdsOf(pending.proposal);
    const suppressed = fresh.results.filter((r) => r.status === 'SUPPRESSED' && claimed.includes(r.controlId)).map((r) => r.controlId);
    return suppressed.length > 0
      ? { action: 'close', proposalId: pending.proposal.id, why: 'accepted-risk', note: `Accepted as a risk: ${suppressed.join(', ')}.` }
      : { action: 'close', proposalId: pending.proposal.id, why: 'fixed', note: `Fixed outside the bot: ${claimed.join(', ')} ${claimed.length === 1 ? 'passes' : 'pass'} on a fresh read after ${cause}.` };
  }

  const draft = draftFor(failing);
  if (latest && STANDING.has(latest.state.status) && latest.proposal.fingerprint === draft.fingerprint) {
    const have = new Set(controlIdsOf(latest.proposal));
    if (controlIdsOf(draft).every((id) => have.has(id))) return { action: 'nothing', why: 'already-proposed' };
  }
  if (latest?.state.status === 'succeeded') {
    // The fix changed the configuration; what it left to people still stands in its proposal.
    const fixed = new Set(latest.proposal.plan.verify.controlIds);
    const guided = new Set(controlIdsOf(latest.proposal).filter((id) => !fixed.has(id)));
    if (controlIdsOf(draft).every((id) => guided.has(id))) return { action: 'nothing', why: 'already-proposed' };
  }
  if (!pending) return { action: 'propose', draft };
  const nowPassing = controlIdsOf(pending.proposal).filter((id) => !failing.some((r) => r.controlId === id));
  const note = `Replaced by a newer proposal after ${cause}${nowPassing.length > 0 ? `: ${nowPassing.join(', ')} ${nowPassing.length === 1 ? 'passes' : 'pass'} now` : ': the resource changed'}.`;
  return { action: 'propose', draft, replaces: { proposalId: pending.proposal.id, note } };
}
