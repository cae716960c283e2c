import type { DigestItem, DigestModel, FixedItem } from '../../digest/model.js';
import type { AcceptedRiskRecord } from '../../risks/types.js';
import { LIMITS } from '../ids.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import { capitalized, mention, plural, safe } from '../format.js';
import { verdictLine, verdictWords } from '../../audit/verdict.js';
import { VERDICT_ICON } from './audit.js';
import { RISK_ACTION_IDS, acceptRiskValue } from '../views/accept-risk.js';
import type { KnownBlock } from './types.js';
import { SEVERITIES } from '../../aws/resources.js';
import type { Severity } from '../../aws/resources.js';

export const DIGEST_ACTION_IDS = {
  /** "Propose fix" on one of the digest's most important failures; value `<runId>:<index>`. */
  proposeFix: 'digest_propose_fix',
} as const;

/**
 * Each list section is capped in lines and characters so the whole message stays far from Slack's limits
 * (50 blocks, 3000 characters per section, and the undocumented ~13k total); the rest is in the thread's CSV.
 */
const MAX_LINES = 8;
const MAX_SECTION_CHARS = 1400;

const ICON: Record<Severity, string> = { CRITICAL: ':red_circle:', HIGH: ':large_orange_circle:', MEDIUM: ':large_yellow_circle:', LOW: ':white_circle:' };

export function digestItemValue(runId: string, index: number): string {
  return `${runId}:${index}`;
}

export function parseDigestItemValue(value: string | undefined): { runId: string; index: number } | null {
  const m = /^([A-Za-z0-9_-]+):(\d{1,3})$/.exec(value ?? '');
  return m ? { runId: m[1]!, index: Number(m[2]) } : null;
}

/** A titled list: as many lines as fit, then "…and N more" (the count names the CSV in the thread). */
export function listSection(blockId: string, title: string, lines: readonly string[], more = 'in the CSV in the thread'): KnownBlock {
  let text = title;
  let shown = 0;
  for (const line of lines) {
    if (shown >= MAX_LINES) break;
    const candidate = `${text}\n${truncate(line, 400)}`;
    if (candidate.length > MAX_SECTION_CHARS) break;
    text = candidate;
    shown++;
  }
  if (lines.length > shown) text += `\n_…and ${lines.length - shown} more ${more}_`;
  return { type: 'section', block_id: blockId, text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

const place = (accountId: string, region: string) => `${code(accountId)}/${code(region)}`;

/** One finding on one line: severity, control, resource and where (the digest's lists and App Home). */
export function itemLine(i: Pick<DigestItem, 'severity' | 'controlId' | 'resourceName' | 'accountId' | 'region'>, suffix = ''): string {
  return `${ICON[i.severity]} *${escapeMrkdwn(i.controlId)}* ${code(truncate(i.resourceName, 80))} · ${place(i.accountId, i.region)}${suffix}`;
}

export const days = (n: number) => (n === 0 ? 'today' : plural(n, 'day'));

function fixedLine(f: FixedItem): string {
  const how = f.nowStatus === 'ABSENT' ? 'resource gone' : f.nowStatus === 'NOT_APPLICABLE' ? 'no longer applies' : 'now passes';
  return `:white_check_mark: *${escapeMrkdwn(f.controlId)}* ${code(truncate(f.resourceName, 80))} · ${place(f.accountId, f.region)} — ${how}`;
}

/** One accepted risk on one line: what, who, until when, why. */
export function riskLine(r: AcceptedRiskRecord, now: Date, ended = false): string {
  const what = r.scope === 'resource' ? code(truncate(r.resourceName, 80)) : `every resource in ${code(r.accountId)}`;
  const until = r.expiresAt.slice(0, 10);
  const left = Math.ceil((Date.parse(r.expiresAt) - now.getTime()) / 86_400_000);
  const when = ended ? `expired ${until} — failing again unless fixed` : `until ${until} (${left <= 1 ? 'tomorrow' : `${left} days`})`;
  return `*${escapeMrkdwn(r.controlId)}* ${what} · by ${mention(r.acceptedBy)} · ${when} · _${safe(r.reason, 120)}_`;
}

function severityLine(counts: Record<Severity, number>): string {
  return SEVERITIES.map((s) => `${ICON[s]} ${s} *${counts[s]}*`).join('  ');
}

export interface DigestBlocksOptions {
  /** Identifies this digest's "Propose fix" buttons (`<runId>:<index>`). */
  runId: string;
  /** e.g. `2026-11-26`. */
  day: string;
  requestedBy?: string;
}

/** Notification text (Slack parses it as mrkdwn too, so it holds no AWS text). */
export function digestText(model: DigestModel, day: string): string {
  const incomplete = model.verdict.outcome === 'incomplete' ? ` — ${verdictLine(model.verdict)}` : '';
  return `SageMaker digest ${day}: ${model.totals.failing} failing (${SEVERITIES.map((s) => `${s} ${model.bySeverity[s]}`).join(', ')}), ${model.newFailures.length} new, ${model.fixed.length} fixed${incomplete}`;
}

/** ":warning: *Incomplete:* nothing FAILED, but …": the verdict the audit summary and the CLI give, in the digest. */
function verdictHeadline(model: DigestModel): string {
  const { title, detail } = verdictWords(model.verdict);
  return `${VERDICT_ICON[model.verdict.outcome]} *${capitalized(title)}${detail ? ':*' : '*'}${detail ? ` ${capitalized(detail)}.` : ''}`;
}

/** The digest message. Pure; at most ~25 blocks whatever the fleet size. */
export function digestBlocks(model: DigestModel, o: DigestBlocksOptions): KnownBlock[] {
  const now = new Date(model.generatedAt);
  const id = (part: string) => `digest-${o.runId}-${part}`;
  const blocks: KnownBlock[] = [];
  blocks.push({ type: 'header', block_id: id('h'), text: { type: 'plain_text', text: truncate(`SageMaker compliance digest — ${o.day}`, LIMITS.headerText) } });

  const t = model.totals;
  const since = model.firstRun
    ? '_First digest: from the next one on, it lists what is new and what was fixed._'
    : `Since the last digest (${model.previousRunAt?.slice(0, 16).replace('T', ' ')} UTC): *${model.newFailures.length} new*, *${model.fixed.length} fixed*.`;
  blocks.push({
    type: 'section',
    block_id: id('sum'),
    text: {
      type: 'mrkdwn',
      text: [
        verdictHeadline(model),
        `*${plural(t.failing, 'failing resource check')}* · ${t.suppressed} accepted risk${t.suppressed === 1 ? '' : 's'} · ${t.passed} passing · ${t.unknown} unknown · ${t.results} checked`,
        severityLine(model.bySeverity),
        since,
        o.requestedBy ? `Requested by ${mention(o.requestedBy)}.` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    },
  });

  if (!model.firstRun) {
    blocks.push(
      listSection(
        id('new'),
        `*New since last digest (${model.newFailures.length})*`,
        model.newFailures.map((i) => itemLine(i, i.status === 'SUPPRESSED' ? ' · accepted' : '')),
      ),
    );
    blocks.push(listSection(id('fixed'), `*Fixed since last digest (${model.fixed.length})*`, model.fixed.map(fixedLine), 'not shown'));
  }

  blocks.push({ type: 'divider' });
  blocks.push(
    listSection(
      id('ctl'),
      '*Failing by control*',
      model.byControl.map((c) => `${ICON[c.severity]} *${escapeMrkdwn(c.controlId)}* — ${c.failing}${c.title ? ` · ${safe(c.title, 110)}` : ''}`),
    ),
  );
  blocks.push(listSection(id('acct'), '*Failing by account and region*', model.byAccountRegion.map((p) => `${place(p.accountId, p.region)} — ${p.failing}`)));
  if (model.oldest.length > 0) {
    blocks.push(listSection(id('old'), '*Oldest open failures*', model.oldest.map((i) => itemLine(i, ` · open ${days(i.ageDays)}`)), 'in the CSV in the thread'));
  }

  if (model.top.length > 0) {
    blocks.push({ type: 'divider' });
    blocks.push({ type: 'section', block_id: id('top'), text: { type: 'mrkdwn', text: '*Most important now* (highest severity, oldest first)' } });
    model.top.forEach((i, index) => {
      blocks.push({
        type: 'section',
        block_id: id(`top${index}`),
        text: {
          type: 'mrkdwn',
          text: truncate(`${itemLine(i, ` · open ${days(i.ageDays)}`)}\n${safe(i.reason, 300)}`, LIMITS.sectionText),
        },
      });
      const elements: Extract<KnownBlock, { type: 'actions' }>['elements'] = [];
      if (i.fixable) {
        elements.push({ type: 'button', action_id: DIGEST_ACTION_IDS.proposeFix, text: { type: 'plain_text', text: 'Propose fix' }, style: 'primary', value: digestItemValue(o.runId, index) });
      }
      elements.push({
        type: 'button',
        action_id: RISK_ACTION_IDS.accept,
        text: { type: 'plain_text', text: 'Accept risk' },
        value: acceptRiskValue({ controlId: i.controlId, accountId: i.accountId, region: i.region, resourceArn: i.resourceArn, resourceName: i.resourceName }),
      });
      blocks.push({ type: 'actions', block_id: id(`act${index}`), elements });
    });
  }

  const a = model.accepted;
  if (a.active.length > 0 || a.expired.length > 0) {
    blocks.push({ type: 'divider' });
    const lines = [
      ...a.expired.map((r) => `:alarm_clock: ${riskLine(r, now, true)}`),
      ...a.expiringSoon.map((r) => `:hourglass: ${riskLine(r, now)}`),
    ];
    blocks.push(
      listSection(
        id('risk'),
        `*Accepted risks:* ${a.active.length} active, ${a.expiringSoon.length} expiring within 7 days, ${a.expired.length} expired since the last digest`,
        lines,
        '— see `/sagemaker-audit exceptions`',
      ),
    );
  }

  if (model.unreadable.length > 0 || model.carried.unknown > 0) {
    const lines = model.unreadable.map(
      (u) =>
        `:warning: ${code(u.accountId)}/${code(u.region === '*' ? 'all regions' : u.region)} — ${u.problems.map((p) => escapeMrkdwn(p)).join(', ')}${u.carried > 0 ? ` · ${plural(u.carried, 'earlier failure')} not re-checked` : ''}`,
    );
    if (model.carried.unknown > 0) lines.push(`:grey_question: ${plural(model.carried.unknown, 'earlier failure')} could not be re-evaluated (UNKNOWN), so not counted as fixed`);
    blocks.push(listSection(id('unread'), '*Could not be read* (their earlier failures are not counted as fixed)', lines, 'not shown'));
  }

  blocks.push({
    type: 'context',
    block_id: id('ctx'),
    elements: [{ type: 'mrkdwn', text: `Full list (${plural(model.items.length, 'open finding')}) as CSV and the 30-day trend in the thread.` }],
  });
  return blocks.slice(0, LIMITS.blocksPerMessage);
}
