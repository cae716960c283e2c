import type { AuditReport, AuditResult, CoveredScope } from '../../audit/report.js';
import { auditVerdict, verdictWords, type AuditOutcome } from '../../audit/verdict.js';
import { failedCall } from '../../aws/errors.js';
import { compareControlIds } from '../../controls/index.js';
import { severityRank } from '../../digest/keys.js';
import { resourceKey } from '../../audit/report.js';
import type { ProposalDraft, ProposalStatus } from '../../remediation/proposals.js';
import { ACTION_IDS, BLOCK_IDS, LIMITS } from '../ids.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import { capitalized, chunkLines, formatDuration, mention, plural, safe } from '../format.js';
import { describeScope } from '../commands/parse.js';
import { SEVERITY_ICON } from './proposal.js';
import type { KnownBlock } from './types.js';

/**
 * Pure builders for the audit's status message (running → summary or failure) and its thread: one compact list of
 * the failing resources (riskiest first), read errors and notes, the proposals (one per resource), and a "Show next"
 * button for the proposals that did not fit. Every count shown comes from the report; lists are cut with an explicit
 * "… and M more" that says how to get the rest, so nothing is dropped silently.
 */

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;

const SECTION_BUDGET = LIMITS.sectionText - 100;
/** Sections of one thread message: far below 50 blocks, and its text below Slack's ~13k total. */
const SECTIONS_PER_MESSAGE = 4;

export interface ThreadLimits {
  /** Proposals posted with the audit, riskiest resource first. */
  proposals: number;
  /** Proposals each "Show next" click posts. */
  page: number;
  /** Proposals kept for "Show next" after the first ones; beyond them, the list says how to get the rest. */
  backlog: number;
  /** Failing resources named in the list. */
  listed: number;
}

export const DEFAULT_THREAD_LIMITS: ThreadLimits = { proposals: 10, page: 10, backlog: 200, listed: 40 };

function section(blockId: string, text: string): KnownBlock {
  return { type: 'section', block_id: blockId, text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

export function auditStartedMessage(auditId: string, scope: CoveredScope, requestedBy: string, totalControls: number): SlackMessage {
  const line = `:hourglass_flowing_sand: Auditing ${describeScope(scope, totalControls)} — requested by ${mention(requestedBy)}`;
  return {
    text: truncate(line, LIMITS.messageText),
    blocks: [section(BLOCK_IDS.summary(auditId, 'started'), line)],
  };
}

export function auditFailedMessage(auditId: string, scope: CoveredScope, requestedBy: string, totalControls: number, error: unknown, durationMs: number): SlackMessage {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const line = `:x: The audit of ${describeScope(scope, totalControls)} failed after ${formatDuration(durationMs)}: *${safe(name, 100)}* ${safe(message, 1500)}`;
  return {
    text: truncate(`The audit failed: ${safe(message, 500)}`, LIMITS.messageText),
    blocks: [
      section(BLOCK_IDS.summary(auditId, 'failed'), line),
      { type: 'context', block_id: BLOCK_IDS.summary(auditId, 'failed-meta'), elements: [{ type: 'mrkdwn', text: `Requested by ${mention(requestedBy)} · audit ${code(auditId)} · try again, or run \`sagemaker-audit scan\` for details` }] },
    ],
  };
}

/** The summary's icon per verdict: only an audit that read everything and found nothing failing gets the check mark. */
export const VERDICT_ICON: Record<AuditOutcome, string> = { failing: ':rotating_light:', incomplete: ':warning:', passing: ':white_check_mark:' };

export function auditSummaryMessage(auditId: string, report: AuditReport, requestedBy: string, totalControls: number): SlackMessage {
  const s = report.summary;
  const failed = s.byStatus.FAILED ?? 0;
  const verdict = auditVerdict(report);
  const words = verdictWords(verdict);
  const title = verdict.outcome === 'failing' ? `${plural(failed, 'FAILED result')} of ${s.total}` : words.title;
  const head = `${VERDICT_ICON[verdict.outcome]} *SageMaker audit: ${title}* — ${describeScope(report.scope, totalControls)}${words.detail ? `\n${capitalized(words.detail)}.` : ''}`;
  const text =
    verdict.outcome === 'incomplete'
      ? `SageMaker audit incomplete: ${failed} FAILED of ${s.total}, ${verdict.unknown} UNKNOWN, ${plural(verdict.errors, 'read error')}`
      : `SageMaker audit: ${failed} FAILED of ${s.total}`;

  const fields = [
    `*Failed*\n${failed}`,
    `*By severity*\n${SEVERITY_ORDER.map((sev) => `${sev} ${s.failedBySeverity[sev] ?? 0}`).join(' · ')}`,
    `*Unknown*\n${s.byStatus.UNKNOWN ?? 0}`,
    `*Passed*\n${s.byStatus.PASSED ?? 0}`,
    `*Not applicable*\n${s.byStatus.NOT_APPLICABLE ?? 0}`,
    `*Suppressed (accepted risk)*\n${s.byStatus.SUPPRESSED ?? 0}`,
  ];

  const failing = Object.entries(s.byControl)
    .filter(([, c]) => (c.FAILED ?? 0) > 0)
    .sort(([a, ca], [b, cb]) => (cb.FAILED ?? 0) - (ca.FAILED ?? 0) || a.localeCompare(b, 'en', { numeric: true }));
  const controlLine =
    failing.length === 0
      ? '*Failing controls:* none'
      : `*Failing controls:* ${failing
          .slice(0, 25)
          .map(([id, c]) => `${escapeMrkdwn(id)} ${c.FAILED}`)
          .join(' · ')}${failing.length > 25 ? ` · … and ${failing.length - 25} more` : ''}`;

  const d = s.drift;
  const driftLine =
    report.scope.source === 'sagemaker'
      ? '*Security Hub:* not consulted (source=sagemaker)'
      : `*Security Hub drift:* ${d.agrees ?? 0} agree · ${d['fixed-still-reported'] ?? 0} fixed but still reported · ${d['failing-not-reported'] ?? 0} failing, not reported · ${d['reported-only'] ?? 0} reported only · ${d['not-compared'] ?? 0} not compared (unknown live)`;

  const blocks: KnownBlock[] = [
    section(BLOCK_IDS.summary(auditId, 'head'), head),
    { type: 'section', block_id: BLOCK_IDS.summary(auditId, 'counts'), fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
    section(BLOCK_IDS.summary(auditId, 'controls'), controlLine),
    section(BLOCK_IDS.summary(auditId, 'drift'), driftLine),
    {
      type: 'context',
      block_id: BLOCK_IDS.summary(auditId, 'meta'),
      elements: [
        {
          type: 'mrkdwn',
          text: `Took ${formatDuration(report.durationMs)} · ${plural(report.errors.length, 'read error')} · ${plural(report.notes.length, 'note')} · requested by ${mention(requestedBy)} · audit ${code(auditId)} · details and fixes in the thread :thread:`,
        },
      ],
    },
  ];
  return { text: truncate(text, LIMITS.messageText), blocks };
}

/** What became of a failing resource's proposal in this thread. */
export type ResourceMark =
  | { kind: 'posted' }
  | { kind: 'open'; status: ProposalStatus; link: string | undefined; proposalId: string }
  | { kind: 'later' }
  | { kind: 'none' };

/** One failing resource: its FAILED results (most severe first) and whether a fix can be proposed. */
export interface FailingResource {
  results: AuditResult[];
  proposable: boolean;
}

/**
 * Every resource with a FAILED result, riskiest first: the proposable ones in the order of `drafts` (the order their
 * proposals are posted in), then those with no plan (Security Hub findings the live read could not check).
 */
export function failingResources(report: AuditReport, drafts: readonly ProposalDraft[]): FailingResource[] {
  const order = new Map(drafts.map((d, i) => [resourceKey(d.results[0]!), i]));
  const byResource = new Map<string, AuditResult[]>();
  for (const r of report.results) {
    if (r.status !== 'FAILED') continue;
    const key = resourceKey(r);
    byResource.set(key, [...(byResource.get(key) ?? []), r]);
  }
  const sortResults = (list: AuditResult[]) => list.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || compareControlIds(a.controlId, b.controlId));
  return [...byResource.entries()]
    .map(([key, results]) => ({ key, results: sortResults(results), rank: order.get(key) }))
    .sort(
      (a, b) =>
        (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
        severityRank(a.results[0]!.severity) - severityRank(b.results[0]!.severity) ||
        a.key.localeCompare(b.key),
    )
    .map(({ results, rank }) => ({ results, proposable: rank !== undefined }));
}

function markText(mark: ResourceMark): string {
  switch (mark.kind) {
    case 'posted':
      return 'proposal below';
    case 'open':
      return `already proposed (${mark.status}): ${mark.link ? `<${mark.link}|open it>` : code(mark.proposalId)}`;
    case 'later':
      return '';
    case 'none':
      return 'no fix offered';
  }
}

/** Packs lines into thread messages of at most SECTIONS_PER_MESSAGE sections. */
function messagesOf(auditId: string, title: string, lines: string[], part: string, firstPage: number): SlackMessage[] {
  const sections = chunkLines(lines, SECTION_BUDGET);
  const out: SlackMessage[] = [];
  for (let i = 0; i < sections.length; i += SECTIONS_PER_MESSAGE) {
    const page = firstPage + out.length;
    out.push({
      text: truncate(title, LIMITS.messageText),
      blocks: sections.slice(i, i + SECTIONS_PER_MESSAGE).map((text, j) => section(BLOCK_IDS.thread(auditId, page, `${part}${j}`), text)),
    });
  }
  return out;
}

/** "SageMaker.1, .3, .8": the control ids of one resource, short. */
function controlList(results: readonly AuditResult[]): string {
  return results.map((r, i) => (i === 0 ? r.controlId : r.controlId.slice(r.controlId.indexOf('.')))).join(', ');
}

/**
 * The thread before the proposals: ONE compact list of the failing resources (one line each, riskiest first, with
 * what became of its proposal), then read errors and notes when there are any.
 */
export function auditThreadMessages(
  auditId: string,
  report: AuditReport,
  resources: readonly FailingResource[],
  marks: ReadonlyMap<number, ResourceMark>,
  limits: ThreadLimits,
): SlackMessage[] {
  const messages: SlackMessage[] = [];
  if (resources.length > 0) {
    const proposable = resources.filter((r) => r.proposable).length;
    const posted = [...marks.values()].filter((m) => m.kind === 'posted').length;
    const lines = [`*${plural(resources.length, 'failing resource')}*, riskiest first (${plural(proposable, 'with a fix to propose', 'with fixes to propose')}; ${posted} posted below):`];
    resources.slice(0, limits.listed).forEach((res, i) => {
      const first = res.results[0]!;
      const mark = markText(marks.get(i) ?? { kind: res.proposable ? 'later' : 'none' });
      lines.push(
        `${i + 1}. ${SEVERITY_ICON[first.severity] ?? ':red_circle:'} ${code(truncate(first.resourceName, 80))} ${code(first.accountId)} ${code(first.region)} — ${escapeMrkdwn(controlList(res.results))}${mark ? ` · ${mark}` : ''}`,
      );
    });
    if (resources.length > limits.listed) {
      lines.push(`… and ${resources.length - limits.listed} more failing resources: \`/sagemaker-audit resource=<name>\` audits one and proposes its fix; \`sagemaker-audit scan\` lists them all.`);
    }
    const later = proposable - Math.min(proposable, limits.proposals);
    if (later > 0) {
      const kept = Math.min(later, limits.backlog);
      lines.push(
        `_Proposals for ${plural(kept, 'more resource')}: press *Show next ${limits.page}* at the end of this thread._` +
          (later > kept ? ` _${later - kept} beyond those: \`/sagemaker-audit resource=<name>\`, or audit a narrower scope._` : ''),
      );
    }
    messages.push(...messagesOf(auditId, `${plural(resources.length, 'failing resource')}, riskiest first`, lines, 'failed', messages.length));
  }

  const errLines: string[] = [];
  const maxErrors = 30;
  if (report.errors.length > 0) {
    errLines.push(`*${plural(report.errors.length, 'read error')}* (evidence that could not be read is UNKNOWN, never passed):`);
    for (const e of report.errors.slice(0, maxErrors)) {
      errLines.push(`• ${code(e.accountId)} ${code(e.region)} ${safe(failedCall(e), 80)}: *${safe(e.code, 80)}* ${safe(e.message, 300)}`);
    }
    if (report.errors.length > maxErrors) errLines.push(`… and ${report.errors.length - maxErrors} more read errors (see CLI \`sagemaker-audit scan\`)`);
  }
  if (report.notes.length > 0) {
    errLines.push(`*${plural(report.notes.length, 'note')}:*`);
    for (const n of report.notes.slice(0, maxErrors)) {
      const where = [n.accountId, n.region].filter(Boolean).map((x) => code(x!)).join(' ');
      errLines.push(`• ${where ? `${where} ` : ''}${safe(n.message, 300)}`);
    }
    if (report.notes.length > maxErrors) errLines.push(`… and ${report.notes.length - maxErrors} more notes`);
  }
  if (errLines.length > 0) messages.push(...messagesOf(auditId, 'Read errors and notes', errLines, 'errors', messages.length));
  return messages;
}

/** The "Show next" button's value: the audit and the page of its backlog to post. */
export function showNextValue(auditId: string, page: number): string {
  return `${auditId}:${page}`;
}

export function parseShowNextValue(value: string | undefined): { auditId: string; page: number } | null {
  const m = /^([A-Za-z0-9_-]{1,100}):(\d{1,4})$/.exec(value ?? '');
  return m ? { auditId: m[1]!, page: Number(m[2]) } : null;
}

/** The last thread message while proposals wait: how many, and the button that posts the next page of them. */
export function showNextMessage(auditId: string, page: number, remaining: number, pageSize: number): SlackMessage {
  const text = `:arrow_down: ${plural(remaining, 'more resource')} ${remaining === 1 ? 'has' : 'have'} a fix to propose (riskiest first).`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        block_id: BLOCK_IDS.thread(auditId, 1000 + page, 'next'),
        text: { type: 'mrkdwn', text },
        accessory: { type: 'button', action_id: ACTION_IDS.showNext, text: { type: 'plain_text', text: `Show next ${Math.min(pageSize, remaining)}` }, value: showNextValue(auditId, page) },
      },
    ],
  };
}

/** What the "Show next" message says once its page is posted (the button is gone, so a second click cannot repeat it). */
export function shownNextMessage(auditId: string, page: number, outcome: { posted: number; open: { name: string; link: string | undefined; proposalId: string }[]; gone: boolean }): SlackMessage {
  const lines = outcome.gone
    ? [':hourglass: These proposals are no longer kept (7 days): run the audit again.']
    : [
        `:white_check_mark: ${plural(outcome.posted, 'more proposal')} posted below.`,
        ...outcome.open.slice(0, 10).map((o) => `• ${code(truncate(o.name, 80))} already has an open proposal: ${o.link ? `<${o.link}|open it>` : code(o.proposalId)}`),
        ...(outcome.open.length > 10 ? [`… and ${outcome.open.length - 10} more with an open proposal`] : []),
      ];
  return { text: lines[0]!, blocks: [section(BLOCK_IDS.thread(auditId, 2000 + page, 'shown'), lines.join('\n'))] };
}
