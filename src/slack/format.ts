import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import type { AcceptedRiskRecord } from '../risks/types.js';

/** Small mrkdwn helpers on top of src/slack/mrkdwn.ts. Everything from AWS or users goes through `safe`. */

/** Truncate first, then escape: the limit applies to what a person reads, and an escape is never cut in half. */
export function safe(text: string, max: number): string {
  return escapeMrkdwn(truncate(text, max));
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

const SLACK_GROUP_ID = /^S[A-Z0-9]{2,}$/;

/** `<!subteam^S123>` (notifies the group's members) for a real user group id; anything else is shown escaped. */
export function groupMention(groupId: string): string {
  return SLACK_GROUP_ID.test(groupId) ? `<!subteam^${groupId}>` : escapeMrkdwn(groupId);
}

/** `<@U123>` for a real Slack user id; anything else is shown escaped, never as a mention. */
export function mention(userId: string | undefined): string {
  if (!userId) return 'someone';
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** `<#C123>` for a real channel id (Slack shows its name); anything else is shown escaped. */
export function channelLink(channelId: string): string {
  return SLACK_CHANNEL_ID.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

/** A time every reader sees in their own time zone, with the ISO string as the fallback. */
export function slackTime(iso: string | undefined): string {
  if (!iso) return 'an unknown time';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${iso}>`;
}

/** "All clear" from "all clear": our own words opening a sentence. */
export function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Splits lines into chunks whose joined length stays under `max` (a line longer than `max` is truncated). */
export function chunkLines(lines: readonly string[], max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.length > max ? `${raw.slice(0, max - 1)}…` : raw;
    if (current && current.length + 1 + line.length > max) {
      out.push(current);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current) out.push(current);
  return out;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/**
 * For plain_text fields (headers, confirm dialogs, button labels): Slack does not parse them, but we still never
 * let `<`, `>` or `&` from AWS reach Slack, so nothing downstream can turn them into a mention or link.
 */
export function plainSafe(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›').replace(/&/g, '+');
}

/**
 * For plan text written by our own controls, where `backticks` mark identifiers: the marked parts become code spans
 * (via `code`, which escapes them), everything else is escaped. Truncated first. An unmatched backtick is escaped.
 */
export function safeWithCode(text: string, max: number): string {
  const parts = truncate(text, max).split('`');
  if (parts.length % 2 === 0) return escapeMrkdwn(parts.join('`'));
  return parts.map((p, i) => (i % 2 === 1 ? (p === '' ? '' : code(p)) : escapeMrkdwn(p))).join('');
}

/** "*SageMaker.3* for `nb-1` (`1234…`/`us-east-1`)", or every resource of the account for a control-in-account risk. */
export function describeRiskTarget(r: Pick<AcceptedRiskRecord, 'scope' | 'controlId' | 'resourceName' | 'accountId' | 'region'>): string {
  return r.scope === 'resource'
    ? `*${escapeMrkdwn(r.controlId)}* for ${code(truncate(r.resourceName, 100))} (${code(r.accountId)}/${code(r.region)})`
    : `*${escapeMrkdwn(r.controlId)}* for every resource in account ${code(r.accountId)}`;
}

