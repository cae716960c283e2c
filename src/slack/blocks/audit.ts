import type { AuditReport, AuditResult, CoveredScope, ResultStatus } from '../../audit/report.js';
import { auditVerdict, verdictWords, type AuditOutcome } from '../../audit/verdict.js';
import { failedCall } from '../../aws/errors.js';
import type { RemediationPlan } from '../../plans/plan.js';
import { BLOCK_IDS, LIMITS } from '../ids.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import { capitalized, chunkLines, formatDuration, mention, plural, safe } from '../format.js';
import { describeScope } from '../commands/parse.js';
import type { KnownBlock } from './types.js';

/**
 * Pure builders for the audit's status message (running → summary or failure) and its thread pages.
 * Every count shown comes from the report; lists are cut with an explicit "… and M more" so nothing is dropped silently.
 */

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
const STATUS_ORDER: readonly ResultStatus[] = ['FAILED', 'UNKNOWN', 'SUPPRESSED', 'PASSED', 'NOT_APPLICABLE'];
const STATUS_LABEL: Record<ResultStatus, string> = { FAILED: 'failed', UNKNOWN: 'unknown', SUPPRESSED: 'suppressed', PASSED: 'passed', NOT_APPLICABLE: 'n/a' };

/** Leave room under Slack's 50 blocks per message. */
const BLOCKS_PER_PAGE = 45;
const SECTION_BUDGET = LIMITS.sectionText - 100;

export interface ThreadLimits {
  /** Proposals posted per control (the first K FAILED results that have a plan). */
  proposalsPerControl: number;
  /** Proposals posted per audit, all controls together. */
  maxProposals: number;
  /** FAILED resources listed by name per control. */
  listedPerControl: number;
}

export const DEFAULT_THREAD_LIMITS: ThreadLimits = { proposalsPerControl: 3, maxProposals: 30, listedPerControl: 10 };

function section(blockId: string, text: string): KnownBlock {
  return { type: 'section', block_id: blockId, text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

function cliHint(controlId: string): string {
  return `see CLI \`sagemaker-audit scan --controls ${escapeMrkdwn(controlId)}\``;
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

function statusCounts(counts: Record<ResultStatus, number>): string {
  return STATUS_ORDER.filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${counts[s]} ${STATUS_LABEL[s]}`)
    .join(' · ') || 'no results';
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
          .join(' · ')}${failing.length > 25 ? ` · … and ${failing.length - 25} more (in the thread)` : ''}`;

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

export type ProposableResult = AuditResult & { remediation: RemediationPlan };

export interface ProposalSelection {
  /** The results that get a proposal message, in control order. */
  selected: ProposableResult[];
  /** Per control: FAILED results that have a plan but got no proposal (limits). */
  notProposed: Map<string, number>;
}

function byControlOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The first `proposalsPerControl` FAILED results with a plan per control, at most `maxProposals` in all. */
export function selectProposals(report: AuditReport, limits: ThreadLimits): ProposalSelection {
  const perControl = new Map<string, ProposableResult[]>();
  for (const r of report.results) {
    if (r.status !== 'FAILED' || !r.remediation) continue;
    const list = perControl.get(r.controlId) ?? [];
    list.push(r as ProposableResult);
    perControl.set(r.controlId, list);
  }
  const selected: ProposableResult[] = [];
  const notProposed = new Map<string, number>();
  // Round-robin over controls so the overall cap does not starve the later controls.
  const ids = [...perControl.keys()].sort(byControlOrder);
  const taken = new Map<string, number>(ids.map((id) => [id, 0]));
  for (let round = 0; round < limits.proposalsPerControl; round++) {
    for (const id of ids) {
      const r = perControl.get(id)![round];
      if (r && selected.length < limits.maxProposals) {
        selected.push(r);
        taken.set(id, round + 1);
      }
    }
  }
  for (const id of ids) {
    const rest = perControl.get(id)!.length - taken.get(id)!;
    if (rest > 0) notProposed.set(id, rest);
  }
  selected.sort((a, b) => byControlOrder(a.controlId, b.controlId));
  return { selected, notProposed };
}

/** Packs blocks into messages of at most BLOCKS_PER_PAGE blocks. */
function paginate(auditId: string, title: string, sections: string[], partName: string, startPage: number): SlackMessage[] {
  const out: SlackMessage[] = [];
  for (let i = 0; i < sections.length; i += BLOCKS_PER_PAGE) {
    const page = startPage + out.length;
    const chunk = sections.slice(i, i + BLOCKS_PER_PAGE);
    out.push({
      text: truncate(`${title}${sections.length > BLOCKS_PER_PAGE ? ` (${out.length + 1}/${Math.ceil(sections.length / BLOCKS_PER_PAGE)})` : ''}`, LIMITS.messageText),
      blocks: chunk.map((text, j) => section(BLOCK_IDS.thread(auditId, page, `${partName}${j}`), text)),
    });
  }
  return out;
}

/**
 * The thread pages before the proposals: counts per control (every control in the report), the failing resources
 * per control (first N named, the rest counted), and read errors / notes.
 */
export function auditThreadMessages(auditId: string, report: AuditReport, selection: ProposalSelection, limits: ThreadLimits): SlackMessage[] {
  const messages: SlackMessage[] = [];
  const controls = Object.keys(report.summary.byControl).sort(byControlOrder);

  // 1. Counts per control.
  const countLines = controls.map((id) => `*${escapeMrkdwn(id)}* — ${statusCounts(report.summary.byControl[id]!)}`);
  if (countLines.length > 0) {
    const sections = chunkLines(['*Results by control*', ...countLines], SECTION_BUDGET);
    messages.push(...paginate(auditId, 'Results by control', sections, 'counts', messages.length));
  }

  // 2. Failing resources per control.
  const failedBy = new Map<string, AuditResult[]>();
  for (const r of report.results) {
    if (r.status !== 'FAILED') continue;
    const list = failedBy.get(r.controlId) ?? [];
    list.push(r);
    failedBy.set(r.controlId, list);
  }
  const failLines: string[] = [];
  const proposedBy = new Map<string, number>();
  for (const r of selection.selected) proposedBy.set(r.controlId, (proposedBy.get(r.controlId) ?? 0) + 1);
  for (const id of [...failedBy.keys()].sort(byControlOrder)) {
    const list = failedBy.get(id)!;
    const proposed = proposedBy.get(id) ?? 0;
    const withoutPlan = list.filter((r) => !r.remediation).length;
    failLines.push(
      `*${escapeMrkdwn(id)}: ${list.length} FAILED* (${proposed} with a proposal below${selection.notProposed.get(id) ? `, ${selection.notProposed.get(id)} fixable without a proposal here` : ''}${withoutPlan ? `, ${withoutPlan} with no automatic fix` : ''})`,
    );
    for (const r of list.slice(0, limits.listedPerControl)) {
      failLines.push(`• ${code(truncate(r.resourceName, 80))} ${code(r.accountId)} ${code(r.region)} — ${safe(r.reason, 200)}`);
    }
    if (list.length > limits.listedPerControl) {
      failLines.push(`… and ${list.length - limits.listedPerControl} more FAILED for ${escapeMrkdwn(id)} (${cliHint(id)})`);
    }
  }
  if (failLines.length > 0) {
    const sections = chunkLines(failLines, SECTION_BUDGET);
    messages.push(...paginate(auditId, 'Failing resources', sections, 'failed', messages.length));
  }

  // 3. Read errors and notes.
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
  if (errLines.length > 0) {
    messages.push(...paginate(auditId, 'Read errors and notes', chunkLines(errLines, SECTION_BUDGET), 'errors', messages.length));
  }

  const unproposed = [...selection.notProposed.values()].reduce((a, b) => a + b, 0);
  if (unproposed > 0) {
    messages.push({
      text: `${unproposed} more fixable findings without a proposal in this thread`,
      blocks: [
        section(
          BLOCK_IDS.thread(auditId, messages.length, 'more'),
          `:information_source: Proposals are posted for the first ${limits.proposalsPerControl} fixable findings per control (at most ${limits.maxProposals} per audit). ${unproposed} more fixable findings are counted above; for one of them run \`/sagemaker-audit resource=<name>\`.`,
        ),
      ],
    });
  }
  return messages;
}
