import type { AuditReport } from './report.js';

/**
 * What an audit says as a whole, decided once here so the CLI's exit status, the Slack summary and the digest
 * cannot disagree:
 * - `failing`: at least one FAILED result (whatever else is missing: that failure is certain);
 * - `incomplete`: nothing FAILED, but some evidence was not read (an UNKNOWN result, or a read error): unread
 *   evidence is never a pass;
 * - `passing`: everything in scope was read and nothing FAILED (SUPPRESSED and NOT_APPLICABLE count as passing).
 */
export type AuditOutcome = 'failing' | 'incomplete' | 'passing';

export interface AuditVerdict {
  outcome: AuditOutcome;
  failed: number;
  unknown: number;
  /** Reads that failed (List, Describe, ListTags, AssumeRole, Security Hub, …). */
  errors: number;
  /** Nothing could be read at all: read errors and not one result. */
  nothingRead: boolean;
}

export function auditVerdict(report: Pick<AuditReport, 'results' | 'errors'>): AuditVerdict {
  let failed = 0;
  let unknown = 0;
  for (const r of report.results) {
    if (r.status === 'FAILED') failed++;
    else if (r.status === 'UNKNOWN') unknown++;
  }
  const errors = report.errors.length;
  const outcome: AuditOutcome = failed > 0 ? 'failing' : unknown > 0 || errors > 0 ? 'incomplete' : 'passing';
  return { outcome, failed, unknown, errors, nothingRead: report.results.length === 0 && errors > 0 };
}

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** What was not read, e.g. "4 UNKNOWN results and 4 read errors"; empty when everything was read. */
function missing(v: AuditVerdict): string {
  const parts = [...(v.unknown > 0 ? [count(v.unknown, 'UNKNOWN result')] : []), ...(v.errors > 0 ? [count(v.errors, 'read error')] : [])];
  return parts.join(' and ');
}

/**
 * The verdict in words, plain text (no markup), the same on every surface: a short title ("3 FAILED", "incomplete",
 * "all clear") and a detail that says what was not read ('' when there is nothing to add).
 */
export function verdictWords(v: AuditVerdict): { title: string; detail: string } {
  switch (v.outcome) {
    case 'failing':
      return { title: `${v.failed} FAILED`, detail: missing(v) ? `some evidence was not read either (${missing(v)})` : '' };
    case 'incomplete':
      return {
        title: 'incomplete',
        detail: v.nothingRead
          ? `nothing could be read (${count(v.errors, 'read error')}), so nothing was evaluated`
          : `nothing FAILED, but some evidence was not read (${missing(v)}), and unread evidence is not a pass`,
      };
    case 'passing':
      return { title: 'all clear', detail: 'every resource in scope was evaluated and nothing FAILED' };
  }
}

/** "incomplete: nothing FAILED, but …": title and detail in one line. */
export function verdictLine(v: AuditVerdict): string {
  const { title, detail } = verdictWords(v);
  return detail ? `${title}: ${detail}` : title;
}
