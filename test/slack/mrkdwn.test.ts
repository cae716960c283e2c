import { describe, expect, it } from 'vitest';
import { code, escapeMrkdwn, truncate } from '../../src/slack/mrkdwn.js';
import { chunkLines, mention, plainSafe, safe } from '../../src/slack/format.js';

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<https://evil|click>', '&lt;https://evil|click&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt;', '&amp;lt;'],
  ])('escapes %s', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('neutralises formatting characters', () => {
    const out = escapeMrkdwn('*urgent*_x_~y~`z`');
    expect(out).not.toMatch(/(^|[^\u200B])\*/);
    expect(out.replace(/\u200B/g, '')).toBe('*urgent*_x_~y~`z`');
  });

  it('code() cannot be closed early and escapes angle brackets', () => {
    expect(code('a`<!here>')).toBe('`aˋ&lt;!here&gt;`');
  });

  it('truncate marks the cut and keeps short text', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });

  it('safe truncates before escaping, so an entity is never cut', () => {
    expect(safe('<<<<<<', 3)).toBe('&lt;&lt;…');
  });

  it('mention only for real user ids', () => {
    expect(mention('U0ABC')).toBe('<@U0ABC>');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('plainSafe removes angle brackets and ampersands', () => {
    expect(plainSafe('<!channel> & x')).toBe('‹!channel› + x');
  });

  it('chunkLines keeps chunks under the limit and keeps every line', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(50)}`);
    const chunks = chunkLines(lines, 500);
    expect(chunks.every((c) => c.length <= 500)).toBe(true);
    expect(chunks.join('\n').split('\n')).toEqual(lines);
  });
});

describe('safeWithCode', () => {
  it('turns backtick spans into escaped code spans and escapes the rest', async () => {
    const { safeWithCode } = await import('../../src/slack/format.js');
    expect(safeWithCode('Stop `nb-1` now', 100)).toBe('Stop `nb-1` now');
    expect(safeWithCode('Stop `<!channel>` & <!here>', 100)).toBe('Stop `&lt;!channel&gt;` &amp; &lt;!here&gt;');
    expect(safeWithCode('odd ` tick <x>', 100)).not.toContain('<x>');
  });
});
