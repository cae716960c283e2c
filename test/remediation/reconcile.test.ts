import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/audit/report.js';
import { reconcile, type FreshRead } from '../../src/remediation/reconcile.js';
import type { Proposal, ProposalState } from '../../src/remediation/proposals.js';
import { failedResult, plan, proposal } from '../slack/fixtures.js';

/** A fresh read of nb-1 after a change; results for SageMaker.2 and .3. */
const failing2 = failedResult({ controlId: 'SageMaker.2', fingerprint: 'fp-1' });
const failing3 = failedResult({ controlId: 'SageMaker.3', fingerprint: 'fp-1', remediation: plan({ verify: { controlId: 'SageMaker.3' } }) });
const passed = (r: AuditResult): AuditResult => ({ ...r, status: 'PASSED', remediation: null });
const read = (...results: AuditResult[]): FreshRead => ({ found: true, results });
const latest = (status: ProposalState['status'], p: Proposal = proposal({}, [failing2])) => ({ proposal: p, state: { status, updatedAt: '2026-01-01T00:00:00.000Z' } });
const CAUSE = 'UpdateNotebookInstance';

describe('reconcile: what a fresh read of one resource means for its proposal', () => {
  it('a fix of the bot is under way: nothing, whatever the read says', () => {
    for (const status of ['approved', 'running'] as const) {
      expect(reconcile({ found: false }, latest(status), CAUSE)).toEqual({ action: 'nothing', why: 'fix-under-way' });
      expect(reconcile(read(failing2, failing3), latest(status), CAUSE)).toEqual({ action: 'nothing', why: 'fix-under-way' });
    }
  });

  it('deleted: a pending proposal closes; otherwise nothing', () => {
    expect(reconcile({ found: false }, latest('pending'), 'DeleteNotebookInstance')).toEqual({
      action: 'close',
      proposalId: 'ptest1',
      why: 'deleted',
      note: 'Resource deleted (DeleteNotebookInstance): nothing left to fix.',
    });
    expect(reconcile({ found: false }, latest('denied'), CAUSE)).toEqual({ action: 'nothing', why: 'gone' });
    expect(reconcile({ found: false }, null, CAUSE)).toEqual({ action: 'nothing', why: 'gone' });
  });

  it('nothing fails: a pending proposal closes as fixed outside the bot, or as an accepted risk', () => {
    expect(reconcile(read(passed(failing2)), latest('pending'), CAUSE)).toMatchObject({ action: 'close', why: 'fixed', note: `Fixed outside the bot: SageMaker.2 passes on a fresh read after ${CAUSE}.` });
    const suppressed = { ...failing2, status: 'SUPPRESSED' as const };
    expect(reconcile(read(suppressed), latest('pending'), CAUSE)).toMatchObject({ action: 'close', why: 'accepted-risk', note: 'Accepted as a risk: SageMaker.2.' });
    expect(reconcile(read(suppressed), null, CAUSE)).toEqual({ action: 'nothing', why: 'accepted-risk' });
    expect(reconcile(read(passed(failing2)), null, CAUSE)).toEqual({ action: 'nothing', why: 'passing' });
    expect(reconcile(read(passed(failing2)), latest('succeeded'), CAUSE)).toEqual({ action: 'nothing', why: 'passing' });
  });

  it('the same failures on the same configuration as the latest pending, denied or failed proposal: nothing new', () => {
    const standing = proposal({}, [failing2, failing3]);
    for (const status of ['pending', 'denied', 'failed'] as const) {
      expect(reconcile(read(failing2, failing3), latest(status, standing), CAUSE)).toEqual({ action: 'nothing', why: 'already-proposed' });
      // A subset of what the proposal covers is covered too.
      expect(reconcile(read(failing2), latest(status, standing), CAUSE)).toEqual({ action: 'nothing', why: 'already-proposed' });
    }
  });

  it('a new failure is proposed; a pending proposal for an older configuration is replaced, saying what passes now', () => {
    const fresh = proposal({}, [failing2]);
    expect(reconcile(read(failing2, failing3), null, CAUSE)).toMatchObject({ action: 'propose', draft: { fingerprint: 'fp-1' } });
    expect(reconcile(read(failing2, failing3), latest('succeeded', fresh), CAUSE)).not.toHaveProperty('replaces');
    expect(reconcile(read(failing2, failing3), latest('closed', fresh), CAUSE)).toMatchObject({ action: 'propose' });

    const older = proposal({}, [{ ...failing2, fingerprint: 'fp-0' }, { ...failing3, fingerprint: 'fp-0' }]);
    const out = reconcile(read(failing3), latest('pending', older), CAUSE);
    expect(out).toMatchObject({ action: 'propose', replaces: { proposalId: 'ptest1', note: `Replaced by a newer proposal after ${CAUSE}: SageMaker.2 passes now.` } });
    expect(out.action === 'propose' && out.draft.results.map((r) => r.controlId)).toEqual(['SageMaker.3']);
    // A control the proposal did not cover fails now: same fingerprint, but a new proposal.
    expect(reconcile(read(failing2, failing3), latest('pending', fresh), CAUSE)).toMatchObject({ action: 'propose', replaces: { note: `Replaced by a newer proposal after ${CAUSE}: the resource changed.` } });
  });

  it("after the bot's own fix: the controls it left as guided steps post nothing; one it fixed failing again is proposed", () => {
    const manual = failedResult({ controlId: 'SageMaker.1', fingerprint: 'fp-1', remediation: plan({ kind: 'manual', steps: [], verify: { controlId: 'SageMaker.1' } }) });
    const fixedThree = proposal({}, [{ ...manual, fingerprint: 'fp-0' }, { ...failing3, fingerprint: 'fp-0' }]);
    expect(fixedThree.plan.verify.controlIds).toEqual(['SageMaker.3']);
    expect(reconcile(read(manual, passed(failing3)), latest('succeeded', fixedThree), CAUSE)).toEqual({ action: 'nothing', why: 'already-proposed' });
    expect(reconcile(read(manual, failing3), latest('succeeded', fixedThree), CAUSE)).toMatchObject({ action: 'propose' });
  });

  it('FAILED without a plan is not proposed, and does not close a pending proposal as fixed', () => {
    expect(reconcile(read({ ...failing2, remediation: null }), null, CAUSE)).toEqual({ action: 'nothing', why: 'no-plan' });
    expect(reconcile(read({ ...failing2, remediation: null }), latest('pending'), CAUSE)).toEqual({ action: 'nothing', why: 'no-plan' });
  });
});
