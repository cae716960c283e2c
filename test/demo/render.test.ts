import { describe, expect, it } from 'vitest';
import { mrkdwnToText, renderBlocks } from '../../src/demo/render.js';
import { escapeMrkdwn } from '../../src/slack/mrkdwn.js';

describe('terminal rendering of Slack messages', () => {
  it('turns mrkdwn back into what a person reads', () => {
    expect(mrkdwnToText(`*SageMaker.3* ${escapeMrkdwn('nb-<x>&*y*')} by <@U0APPROVER> at <!date^1^{date}|2026-11-26> :white_check_mark:`)).toBe(
      'SageMaker.3 nb-<x>&*y* by @U0APPROVER at 2026-11-26 ✔',
    );
    expect(mrkdwnToText('`code` and _italic_')).toBe('code and italic');
  });

  it('renders headers, sections, context, dividers and buttons', () => {
    const out = renderBlocks([
      { type: 'header', text: { type: 'plain_text', text: 'Digest' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*3 failing*' }, accessory: { type: 'button', text: { type: 'plain_text', text: 'Revoke' } } },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Proposal `p1`' }] },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' } }, { type: 'button', text: { type: 'plain_text', text: 'Deny' } }] },
    ]);
    expect(out.split('\n')).toEqual(['== Digest ==', '3 failing', '[Revoke]', '─'.repeat(40), '  · Proposal p1', '[Approve] [Deny]']);
  });
});
