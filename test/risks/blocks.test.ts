import { describe, expect, it } from 'vitest';
import { exceptionsBlocks } from '../../src/slack/blocks/exceptions.js';
import { acceptRiskView } from '../../src/slack/views/accept-risk.js';
import { RISK_ACTION_IDS } from '../../src/slack/views/accept-risk.js';
import type { AcceptedRiskRecord } from '../../src/risks/types.js';
import { validateBlocks } from '../support/slack-standin/index.js';

const risk = (i: number): AcceptedRiskRecord => ({
  id: `r${i}`,
  acceptedBy: 'U0APPROVER',
  reason: `reason <!channel> ${'x'.repeat(i % 3 === 0 ? 2000 : 10)}`,
  acceptedAt: '2026-11-01T00:00:00.000Z',
  expiresAt: `2026-12-${String((i % 28) + 1).padStart(2, '0')}T00:00:00.000Z`,
  scope: i % 5 === 0 ? 'control-in-account' : 'resource',
  status: 'active',
  controlId: `SageMaker.${(i % 25) + 1}`,
  accountId: '111111111111',
  region: 'us-east-1',
  resourceArn: `arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/nb-${i}`,
  resourceName: `nb-${i}-<@U0X>`,
});

describe('exceptions list and accept-risk modal blocks', () => {
  it('500 accepted risks fit one message: Revoke buttons for approvers on the first ones, escaped text', () => {
    const risks = Array.from({ length: 500 }, (_, i) => risk(i));
    const blocks = exceptionsBlocks(risks, { canRevoke: true });
    expect(validateBlocks(blocks)).toBeNull();
    expect(blocks.length).toBeLessThanOrEqual(50);
    const json = JSON.stringify(blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0X>');
    expect(json.split(RISK_ACTION_IDS.revoke).length - 1).toBe(40);
    expect(json).toContain('more not shown (500 in total)');
    expect(JSON.stringify(exceptionsBlocks(risks.slice(0, 3), { canRevoke: false }))).not.toContain(RISK_ACTION_IDS.revoke);
    expect(validateBlocks(exceptionsBlocks([], { canRevoke: true }))).toBeNull();
  });

  it('the modal is valid Block Kit for a modal', () => {
    const view = acceptRiskView({ targets: ['SageMaker.1', 'SageMaker.2', 'SageMaker.21'].map((controlId) => ({ controlId, accountId: '111111111111', region: 'us-east-1', resourceArn: `arn:${'a'.repeat(300)}`, resourceName: 'n'.repeat(63) })) }, new Date('2026-11-26T00:00:00Z'), 365);
    expect(validateBlocks(view.blocks, 100)).toBeNull();
    expect(view.private_metadata.length).toBeLessThan(3000);
  });
});
