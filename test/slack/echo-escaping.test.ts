import { describe, expect, it } from 'vitest';
import { planControl } from '../../src/controls/index.js';
import { sagemaker1 } from '../../src/controls/sagemaker-1.js';
import { sagemaker6 } from '../../src/controls/sagemaker-6.js';
import { proposalBlocks } from '../../src/slack/blocks/proposal.js';
import { parseCommand } from '../../src/slack/commands/parse.js';
import { notebook, params, snapshot } from '../controls/fixtures.js';
import { failedResult, proposal, simplePolicy } from './fixtures.js';

describe('usage errors echo what was typed, escaped', () => {
  it('a mention, a broadcast or a backtick in the command text stays text', () => {
    const parsed = parseCommand('<!channel> account=<@U123> region=`x` <!here>=1 resource=a`b', { accounts: [], regions: ['us-east-1'], controlIds: ['SageMaker.1'] });
    expect(parsed.kind).toBe('invalid');
    const problems = parsed.kind === 'invalid' ? parsed.problems : [];
    expect(problems).toHaveLength(5);
    for (const raw of ['<!channel>', '<@U123>', '<!here>', '`x`', 'a`b']) expect(problems.join('\n')).not.toContain(raw);
    expect(problems[0]).toBe("I don't understand `&lt;!channel&gt;`");
    expect(problems[2]).toBe('`ˋxˋ` is not an AWS region name');
  });
});

/**
 * Plan text marks identifiers with backticks, and Slack shows them as code. A backtick inside an AWS value (a Git
 * URL, a tag value) must not open or close a code span: it is shown as a character.
 */

const pending = { status: 'pending' as const, updatedAt: '2026-01-01T00:00:00.000Z' };
/** The inline code spans of a mrkdwn text. */
const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);

describe('backticks inside AWS values in proposal text', () => {
  it('a Git repository URL with backticks stays text, and the plan keeps its own code spans', () => {
    const snapshot = notebook({ DirectInternetAccess: 'Enabled', DefaultCodeRepository: 'https://git.example/`<!channel>`/x`y' });
    const plan = planControl(sagemaker1, snapshot, params())!;
    const blocks = proposalBlocks(proposal({}, [failedResult({ controlId: 'SageMaker.1', remediation: plan })]), pending, simplePolicy());
    const text = blocks.map((b) => JSON.stringify(b)).join('\n');
    const steps = JSON.parse(JSON.stringify(blocks.filter((b) => b.block_id?.includes('guided')))) as { text: { text: string } }[];
    const stepText = steps.map((s) => s.text.text).join('\n');
    expect(stepText).toContain('https://git.example/ˋ&lt;!channel&gt;ˋ/xˋy');
    expect(codeSpans(stepText).some((span) => span.includes('channel'))).toBe(false);
    expect(codeSpans(stepText)).toContain('aws s3 sync /home/ec2-user/SageMaker s3://&lt;bucket&gt;/nb-1/');
    expect(text).not.toContain('<!channel>');
  });

  it('a tag value with backticks in the tag fix stays text', () => {
    const plan = planControl(sagemaker6, snapshot('app-image-config', 'aic-1', undefined, { tags: {} }), params({ requiredTagKeys: ['owner'], remediationTagValues: { owner: 'team-`ml`' } }))!;
    const blocks = proposalBlocks(proposal({}, [failedResult({ controlId: 'SageMaker.6', remediation: plan })]), pending, simplePolicy());
    const fix = JSON.parse(JSON.stringify(blocks.find((b) => b.block_id?.includes('fix')))) as { text: { text: string } };
    expect(codeSpans(fix.text.text).some((span) => span === 'ml')).toBe(false);
    expect(fix.text.text).toContain('team-ˋmlˋ');
  });
});
