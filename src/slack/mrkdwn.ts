/**
 * Escapes text for Slack mrkdwn. Slack only requires `&`, `<` and `>` to be escaped; that alone stops
 * `<!channel>`, `<@U123>` and links. Formatting characters (`*_~\``) are neutralised too, so a resource
 * named `*urgent*` is shown as written instead of in bold.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([*_~`])/g, '\u200B$1\u200B');
}

/** Inline code for identifiers; backticks inside are replaced so the code span cannot be closed early. */
export function code(text: string): string {
  const safe = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, 'ˋ');
  return `\`${safe}\``;
}

/** Cuts text to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
