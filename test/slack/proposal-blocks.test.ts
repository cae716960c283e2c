import { describe, expect, it } from 'vitest';
import { proposalBlocks, proposalMessage } from '../../src/slack/blocks/proposal.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import type { ProposalState } from '../../src/remediation/proposals.js';
import { messageProblem } from '../support/slack-standin/index.js';
import { failedResult, plan, proposal, simplePolicy } from './fixtures.js';

const policy = simplePolicy();

const pending: ProposalState = { status: 'pending', updatedAt: '2026-01-01T00:00:00.000Z' };
const approved: ProposalState = { status: 'approved', decidedBy: 'U0APPROVER', decidedAt: '2026-01-01T00:01:00.000Z', updatedAt: '2026-01-01T00:01:00.000Z' };

const buttons = (blocks: unknown[]) =>
  blocks.flatMap((b) => ((b as { type: string }).type === 'actions' ? ((b as { elements: { action_id: string; value: string; confirm?: unknown }[] }).elements) : []));

describe('proposalBlocks', () => {
  it('pending in-place plan: numbered steps, disruption, rollback, Approve (with confirm) and Deny carrying the proposal id', () => {
    const blocks = proposalBlocks(proposal(), pending, policy);
    const json = JSON.stringify(blocks);
    expect(json).toContain('1. Stop notebook if it is InService');
    expect(json).toContain('2. Set DirectInternetAccess=Disabled');
    expect(json).toContain('*Disrupts:* The notebook is stopped and started again.');
    expect(json).toContain('*Rollback:* Start the notebook again');
    const b = buttons(blocks);
    expect(b.map((x) => x.action_id)).toEqual([ACTION_IDS.approve, ACTION_IDS.deny]);
    expect(b.every((x) => x.value === 'ptest1')).toBe(true);
    expect(b[0]?.confirm).toBeDefined();
    expect(messageProblem({ text: 'x', blocks })).toBeNull();
  });

  it('manual plan: guided steps and no Approve button', () => {
    const p = proposal({}, [failedResult({ remediation: plan({ kind: 'manual', steps: [{ id: 'a', operation: 'manual', title: 'Ask the owner to re-create it in a VPC', params: {} }] }) })]);
    const blocks = proposalBlocks(p, pending, policy);
    expect(JSON.stringify(blocks)).toContain('Guided steps');
    expect(buttons(blocks).map((x) => x.action_id)).not.toContain(ACTION_IDS.approve);
  });

  it('decided states have no buttons, say who and when, and use new block ids', () => {
    const first = proposalBlocks(proposal(), pending, policy);
    const after = proposalBlocks(proposal(), approved, policy);
    expect(buttons(after)).toEqual([]);
    expect(JSON.stringify(after)).toContain('Approved by <@U0APPROVER>');
    const firstIds = new Set(first.map((b) => b.block_id));
    expect(after.some((b) => firstIds.has(b.block_id))).toBe(false);
    const denied = proposalBlocks(proposal(), { ...approved, status: 'denied' }, policy);
    expect(JSON.stringify(denied)).toContain('Denied by <@U0APPROVER>');
  });

  it('escapes a hostile resource name and reason everywhere, including the fallback text', () => {
    const p = proposal({}, [failedResult({ resourceName: '<!channel>', reason: 'name <!channel> & <@U123|x>' })]);
    const msg = proposalMessage(p, pending, policy);
    const json = JSON.stringify(msg);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123');
  });

  it('stays within Slack limits with huge plans and names', () => {
    const steps = Array.from({ length: 400 }, (_, i) => ({ id: `s${i}`, operation: 'notebook.update' as const, title: `Step ${'x'.repeat(300)} ${i}`, params: {} }));
    const huge = (controlId: string, kind: 'in-place' | 'manual') =>
      failedResult({
        controlId,
        resourceName: 'n'.repeat(5000),
        reason: '<'.repeat(5000),
        remediation: plan({ kind, steps: kind === 'manual' ? steps.map((x) => ({ ...x, operation: 'manual' as const })) : steps, summary: '&'.repeat(5000), disruption: '>'.repeat(5000), rollback: 'r'.repeat(5000), verify: { controlId } }),
      });
    // Every control of a notebook at once: one automated fix and guided fixes that do not merge.
    const p = proposal({}, [huge('SageMaker.2', 'in-place'), ...['SageMaker.1', 'SageMaker.21', 'SageMaker.3', 'SageMaker.8'].map((id, i) => {
      const r = huge(id, 'manual');
      return { ...r, remediation: { ...r.remediation, steps: r.remediation.steps.map((x) => ({ ...x, title: `${x.title} ${i}` })) } };
    })]);
    expect(p.plan.guided).toHaveLength(4);
    for (const state of [pending, approved, { ...approved, status: 'failed' as const, note: '<'.repeat(9000) }]) {
      const msg = proposalMessage(p, state, policy);
      expect(messageProblem({ text: msg.text, blocks: msg.blocks })).toBeNull();
      const texts = JSON.stringify(msg.blocks).match(/"text":"(?:[^"\\]|\\.)*"/g) ?? [];
      expect(texts.join('').length).toBeLessThan(13_000);
    }
  });

  it('one resource failing two controls: one fix for both, both verified, the rule and who may approve', () => {
    const p = proposal({}, [
      failedResult({ controlId: 'SageMaker.8', severity: 'MEDIUM', remediation: plan({ verify: { controlId: 'SageMaker.8' } }) }),
      failedResult({ controlId: 'SageMaker.3', remediation: plan({ verify: { controlId: 'SageMaker.3' } }) }),
    ]);
    const json = JSON.stringify(proposalBlocks(p, pending, policy));
    expect(json).toContain('fails *SageMaker.3* (HIGH), *SageMaker.8* (MEDIUM)');
    expect(json).toContain('Fix (in place) for SageMaker.3, SageMaker.8:*');
    expect(json).toContain('Verify: SageMaker.3, SageMaker.8 are re-evaluated');
    expect(json).toContain('*Approval* (rule `APPROVERS`): one approver from <@U0APPROVER>, not the person who asked for the audit');
  });

  it('a rule needing two approvers shows the first approval; no rule: no Approve button, and why', () => {
    const two = { ...policy, rules: [{ ...policy.rules[0]!, approvals: 2 }] };
    const half: ProposalState = { status: 'pending', approvals: [{ by: 'U0FIRST', at: '2026-01-01T00:00:30.000Z' }], updatedAt: '2026-01-01T00:00:30.000Z' };
    const json = JSON.stringify(proposalBlocks(proposal(), half, two));
    expect(json).toContain('Approved by <@U0FIRST>');
    expect(json).toContain('1 of 2 so far');
    const none = proposalBlocks(proposal(), pending, { ...policy, rules: [] });
    expect(buttons(none).map((b) => b.action_id)).toEqual([ACTION_IDS.deny]);
    expect(JSON.stringify(none)).toContain('no approvers are configured');
  });
});
