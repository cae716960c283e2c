import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/slack/ids.js';
import { remediationProgressMessage, remediationResultMessage } from '../../src/slack/blocks/remediation-progress.js';
import type { ProgressStep } from '../../src/remediation/progress.js';
import type { RemediationProgressView } from '../../src/slack/blocks/remediation-progress.js';
import { messageProblem } from '../support/slack-standin/index.js';

const view = (over: Partial<RemediationProgressView> = {}): RemediationProgressView => ({
  proposalId: 'pAbc',
  controlId: 'SageMaker.3',
  resourceName: 'nb-1',
  accountId: '123456789012',
  region: 'eu-west-1',
  approvedBy: 'U0APPROVER',
  dryRun: false,
  phase: 'running',
  steps: [
    { title: 'Stop notebook `nb-1`', state: 'done', detail: 'StopNotebookInstance sent' },
    { title: 'Wait until `nb-1` is Stopped', state: 'running' },
    { title: 'Update', state: 'pending' },
  ],
  version: 'v1',
  ...over,
});

describe('remediation progress message (pure)', () => {
  it('says where to find the fix in CloudTrail: the session of the remediation role and the approver, or that it runs as the audit role', () => {
    const identity = { roleArn: 'arn:aws:iam::123456789012:role/sagemaker-audit-remediation', sessionName: 'U0APPROVER-pAbc', sourceIdentity: 'U0APPROVER' };
    const context = (v: RemediationProgressView) => remediationProgressMessage(v).blocks.find((b) => b.block_id?.includes('-identity-')) as { elements: { text: string }[] } | undefined;
    expect(context(view({ identity }))!.elements[0]!.text).toBe(
      'CloudTrail: role `arn:aws:iam::123456789012:role/sagemaker-audit-remediation` · session `U0APPROVER-pAbc` · source identity `U0APPROVER`',
    );
    expect(context(view({ identity: {} }))!.elements[0]!.text).toContain('runs with the audit role');
    expect(context(view())).toBeUndefined();
    expect(messageProblem({ channel: 'C1', ...remediationProgressMessage(view({ identity })) })).toBeNull();
  });

  it('shows one icon per step state and marks a dry run', () => {
    const m = remediationProgressMessage(view({ dryRun: true, steps: [
      { title: 'a', state: 'done' },
      { title: 'b', state: 'running' },
      { title: 'c', state: 'failed' },
      { title: 'd', state: 'skipped' },
      { title: 'e', state: 'dry-run', detail: 'would call UpdateNotebookInstance {RootAccess: Disabled}' },
    ] }));
    const text = JSON.stringify(m.blocks);
    for (const icon of ['✅ 1. a', '⏳ 2. b', '❌ 3. c', '⏭ 4. d', '🧪 5. e']) expect(text).toContain(icon);
    expect(text).toContain('DRY RUN');
    expect(m.text).toContain('[DRY RUN]');
    expect(messageProblem({ channel: 'C1', text: m.text, blocks: m.blocks })).toBeNull();
  });

  it('escapes text from AWS: no mention, link or formatting gets through', () => {
    const hostile = '<!channel> <@U123> *bold* <http://evil|x> & more';
    const m = remediationProgressMessage(view({ resourceName: hostile, note: hostile, steps: [{ title: hostile, state: 'failed', detail: hostile }] }));
    const text = JSON.stringify(m.blocks) + m.text;
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
    expect(text).not.toContain('<http://evil');
    expect(text).toContain('&lt;!channel&gt;');
    const r = remediationResultMessage({
      proposalId: 'p',
      controlId: 'SageMaker.3',
      resourceName: hostile,
      durationMs: 1200,
      outcome: { kind: 'failed', what: hostile, error: hostile, rolledBack: [hostile], humanAction: hostile, noChange: false },
    });
    expect(JSON.stringify(r.blocks) + r.text).not.toContain('<!channel>');
  });

  it('stays within Slack limits with very many long steps', () => {
    const steps: ProgressStep[] = Array.from({ length: 200 }, (_, i) => ({ title: `step ${i} ${'x'.repeat(500)}`, state: 'done', detail: 'y'.repeat(2000) }));
    const m = remediationProgressMessage(view({ steps, note: 'z'.repeat(5000) }));
    expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    expect(messageProblem({ channel: 'C1', text: m.text, blocks: m.blocks })).toBeNull();
    const r = remediationResultMessage({
      proposalId: 'p',
      controlId: 'SageMaker.11',
      resourceName: 'dq',
      durationMs: 5,
      outcome: { kind: 'dry-run', wouldCalls: Array.from({ length: 100 }, (_, i) => `would call X ${i} ${'w'.repeat(400)}`) },
    });
    expect(messageProblem({ channel: 'C1', text: r.text, blocks: r.blocks })).toBeNull();
    expect(JSON.stringify(r.blocks)).toContain('and 85 more');
  });

  it('the verified result of a periodic control says Security Hub may keep the finding', () => {
    const r = remediationResultMessage({ proposalId: 'p', controlId: 'SageMaker.4', resourceName: 'epc', durationMs: 10, outcome: { kind: 'verified', reason: 'ok', periodic: true } });
    expect(JSON.stringify(r.blocks)).toContain('Security Hub may keep the finding until its next periodic evaluation');
    const n = remediationResultMessage({ proposalId: 'p', controlId: 'SageMaker.3', resourceName: 'nb', durationMs: 10, outcome: { kind: 'verified', reason: 'ok', periodic: false } });
    expect(JSON.stringify(n.blocks)).not.toContain('periodic');
  });
});
