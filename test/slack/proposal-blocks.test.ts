import { describe, expect, it } from 'vitest';
import { proposalBlocks, proposalMessage } from '../../src/slack/blocks/proposal.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import type { ProposalState } from '../../src/remediation/proposals.js';
import { messageProblem } from '../support/slack-standin/index.js';
import { failedResult, plan, proposal } from './fixtures.js';

const pending: ProposalState = { status: 'pending', updatedAt: '2026-01-01T00:00:00.000Z' };
const approved: ProposalState = { status: 'approved', decidedBy: 'U0APPROVER', decidedAt: '2026-01-01T00:01:00.000Z', updatedAt: '2026-01-01T00:01:00.000Z' };

const buttons = (blocks: unknown[]) =>
  blocks.flatMap((b) => ((b as { type: string }).type === 'actions' ? ((b as { elements: { action_id: string; value: string; confirm?: unknown }[] }).elements) : []));

describe('proposalBlocks', () => {
  it('pending in-place plan: numbered steps, disruption, rollback, Approve (with confirm) and Deny carrying the proposal id', () => {
    const blocks = proposalBlocks(proposal(), pending);
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
    const p = proposal({ result: failedResult({ remediation: plan({ kind: 'manual', steps: [{ id: 'a', operation: 'notebook.update', title: 'Ask the owner to re-create it in a VPC', params: {} }] }) }) });
    const blocks = proposalBlocks(p, pending);
    expect(JSON.stringify(blocks)).toContain('Guided steps');
    expect(buttons(blocks).map((x) => x.action_id)).not.toContain(ACTION_IDS.approve);
  });

  it('decided states have no buttons, say who and when, and use new block ids', () => {
    const first = proposalBlocks(proposal(), pending);
    const after = proposalBlocks(proposal(), approved);
    expect(buttons(after)).toEqual([]);
    expect(JSON.stringify(after)).toContain('Approved by <@U0APPROVER>');
    const firstIds = new Set(first.map((b) => b.block_id));
    expect(after.some((b) => firstIds.has(b.block_id))).toBe(false);
    const denied = proposalBlocks(proposal(), { ...approved, status: 'denied' });
    expect(JSON.stringify(denied)).toContain('Denied by <@U0APPROVER>');
  });

  it('escapes a hostile resource name and reason everywhere, including the fallback text', () => {
    const p = proposal({ result: failedResult({ resourceName: '<!channel>', reason: 'name <!channel> & <@U123|x>' }) });
    const msg = proposalMessage(p, pending);
    const json = JSON.stringify(msg);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123');
  });

  it('stays within Slack limits with huge plans and names', () => {
    const steps = Array.from({ length: 400 }, (_, i) => ({ id: `s${i}`, operation: 'notebook.update' as const, title: `Step ${'x'.repeat(300)} ${i}`, params: {} }));
    const p = proposal({
      result: failedResult({ resourceName: 'n'.repeat(5000), reason: '<'.repeat(5000), remediation: plan({ steps, summary: '&'.repeat(5000), disruption: '>'.repeat(5000), rollback: 'r'.repeat(5000) }) }),
    });
    for (const state of [pending, approved, { ...approved, status: 'failed' as const, note: '<'.repeat(9000) }]) {
      const msg = proposalMessage(p, state);
      expect(messageProblem({ text: msg.text, blocks: msg.blocks })).toBeNull();
      const texts = JSON.stringify(msg.blocks).match(/"text":"(?:[^"\\]|\\.)*"/g) ?? [];
      expect(texts.join('').length).toBeLessThan(13_000);
    }
  });
});
