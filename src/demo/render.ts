/**
 * Renders Slack messages (Block Kit) as plain terminal text, the way a person would read them in Slack:
 * headers, sections (mrkdwn turned back into plain text), fields, context lines, dividers, and buttons as
 * `[Approve] [Deny]`. Pure; used by `npm run demo`.
 */
type Json = Record<string, unknown>;

const EMOJI: Record<string, string> = {
  red_circle: '●',
  large_orange_circle: '●',
  large_yellow_circle: '●',
  white_circle: '○',
  white_check_mark: '✔',
  heavy_check_mark: '✔',
  x: '✘',
  warning: '⚠',
  hourglass: '⏳',
  hourglass_flowing_sand: '⏳',
  gear: '⚙',
  shield: '🛡',
  newspaper: '📰',
  alarm_clock: '⏰',
  grey_question: '?',
  information_source: 'ℹ',
  no_entry: '⛔',
  wastebasket: '🗑',
  mag: '🔍',
  lock: '🔒',
  rotating_light: '🚨',
  ballot_box_with_check: '☑',
  point_down: '👇',
  arrow_down: '⬇',
  clipboard: '📋',
};

/** mrkdwn → plain text: entities decoded, formatting marks and zero-width spaces dropped, links and dates readable. */
export function mrkdwnToText(s: string): string {
  return s
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)(\|[^>]*)?>/g, '#$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m)
    .replace(/\u200B/g, '')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/`([^`\n]*)`/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function text(t: unknown): string {
  if (!t || typeof t !== 'object') return '';
  const o = t as Json;
  const s = typeof o.text === 'string' ? o.text : '';
  return o.type === 'mrkdwn' ? mrkdwnToText(s) : s;
}

function button(e: Json): string {
  return `[${text(e.text)}]`;
}

const indent = (s: string, pad: string) =>
  s
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

/** One message's blocks as text lines; falls back to the message text when there are no blocks. */
export function renderBlocks(blocks: unknown[] | undefined, fallback?: string): string {
  if (!blocks || blocks.length === 0) return mrkdwnToText(fallback ?? '');
  const out: string[] = [];
  for (const raw of blocks) {
    const b = raw as Json;
    switch (b.type) {
      case 'header':
        out.push(`== ${text(b.text)} ==`);
        break;
      case 'section': {
        const parts: string[] = [];
        if (b.text) parts.push(text(b.text));
        if (Array.isArray(b.fields)) parts.push((b.fields as unknown[]).map(text).join('\n'));
        const accessory = b.accessory as Json | undefined;
        if (accessory?.type === 'button') parts.push(button(accessory));
        out.push(parts.filter(Boolean).join('\n'));
        break;
      }
      case 'context':
        out.push(indent(((b.elements as unknown[]) ?? []).map((e) => ((e as Json).type === 'image' ? '' : text(e))).filter(Boolean).join('  '), '  · '));
        break;
      case 'actions':
        out.push(((b.elements as Json[]) ?? []).map((e) => (e.type === 'button' ? button(e) : e.placeholder ? `[${text(e.placeholder)} ▾]` : `[${String(e.type)}]`)).join(' '));
        break;
      case 'divider':
        out.push('─'.repeat(40));
        break;
      case 'image':
        out.push(`[image: ${String(b.alt_text ?? '')}]`);
        break;
      default:
        out.push(`[${String(b.type)} block]`);
    }
  }
  return out.join('\n');
}
