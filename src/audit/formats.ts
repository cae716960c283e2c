import { failedCall } from '../aws/errors.js';
import { CONTROLS } from '../controls/index.js';
import type { AuditReport, AuditResult } from './report.js';
import { auditVerdict, verdictLine } from './verdict.js';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface FormatOptions {
  /** Terminal width for `table` (default 160). */
  width?: number;
  /** Controls in the catalog, for "all (N)" (default: the registry's). */
  totalControls?: number;
}

/** Renders the report. `json` is the AuditReport itself (see docs/report-format.md). */
export function formatReport(report: AuditReport, format: ReportFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return formatCsv(report);
    case 'markdown':
      return formatMarkdown(report, options.totalControls ?? CONTROLS.length);
    case 'table':
      return formatTable(report, options.width ?? 160, options.totalControls ?? CONTROLS.length);
  }
}

/* --------------------------------------------------------------------------------------------------------------- */

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Cuts to `max` characters with an ellipsis. */
export function truncate(s: string, max: number): string {
  const t = oneLine(s);
  if (max <= 0) return '';
  return t.length <= max ? t : `${t.slice(0, Math.max(0, max - 1))}…`;
}

function scopeLine(report: AuditReport, totalControls: number): string {
  const s = report.scope;
  const parts = [
    `accounts ${s.accounts.join(',') || '-'}`,
    `regions ${s.regions.join(',')}`,
    `controls ${s.controls.length === totalControls ? `all (${totalControls})` : s.controls.join(',')}`,
    `source ${s.source}`,
  ];
  if (s.resource) parts.push(`resource ${s.resource}`);
  return parts.join(' · ');
}

function countsLine(report: AuditReport): string {
  const b = report.summary.byStatus;
  const f = report.summary.failedBySeverity;
  const sev = (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const).filter((k) => f[k] > 0).map((k) => `${f[k]} ${k}`);
  return (
    `${report.summary.total} results: ${b.FAILED} FAILED${sev.length ? ` (${sev.join(', ')})` : ''}, ${b.PASSED} PASSED, ` +
    `${b.UNKNOWN} UNKNOWN, ${b.NOT_APPLICABLE} NOT_APPLICABLE, ${b.SUPPRESSED} SUPPRESSED`
  );
}

/** "Security Hub: 2 agree, …": how the live results compare with Security Hub's findings. */
function driftLine(report: AuditReport): string {
  const d = report.summary.drift;
  return (
    `Security Hub: ${d.agrees} agree, ${d['fixed-still-reported']} fixed but still reported, ${d['failing-not-reported']} failing but not reported, ` +
    `${d['reported-only']} reported only, ${d['not-compared']} not compared (UNKNOWN live)`
  );
}

function driftText(r: AuditResult): string {
  return r.securityHub ? r.securityHub.drift : '';
}

/** "accepted by U123 until 2026-12-01: why": who accepted a SUPPRESSED result's risk, until when, and why. */
function acceptedText(r: AuditResult): string {
  const a = r.acceptedRisk;
  return a ? `accepted by ${a.acceptedBy} until ${a.expiresAt.slice(0, 10)}${a.scope === 'control-in-account' ? ` (${r.controlId} in the whole account)` : ''}: ${a.reason}` : '';
}

/** The reason a person reads: for a SUPPRESSED result, the accepted risk first, then what the control found. */
function reasonText(r: AuditResult): string {
  return r.acceptedRisk ? `${acceptedText(r)} — ${r.reason}` : r.reason;
}

/* ------------------------------------------ table ------------------------------------------ */

const FIXED_COLUMNS = [
  { title: 'STATUS', width: 14, get: (r: AuditResult) => r.status },
  { title: 'SEVERITY', width: 8, get: (r: AuditResult) => r.severity },
  { title: 'CONTROL', width: 12, get: (r: AuditResult) => r.controlId },
  { title: 'ACCOUNT', width: 12, get: (r: AuditResult) => r.accountId },
  { title: 'REGION', width: 14, get: (r: AuditResult) => r.region },
  { title: 'RESOURCE', width: 36, get: (r: AuditResult) => r.resourceName },
];

function formatTable(report: AuditReport, width: number, totalControls: number): string {
  const out: string[] = [];
  out.push(`SageMaker audit ${report.generatedAt} (${(report.durationMs / 1000).toFixed(1)} s)`);
  out.push(scopeLine(report, totalControls));
  out.push('');
  // The resource column gives way first on narrow terminals (16..36), the reason takes the rest (at least 20).
  const others = FIXED_COLUMNS.filter((c) => c.title !== 'RESOURCE').reduce((n, c) => n + c.width + 2, 0);
  const resourceWidth = Math.min(36, Math.max(16, width - others - 2 - 40));
  const columns = FIXED_COLUMNS.map((c) => (c.title === 'RESOURCE' ? { ...c, width: resourceWidth } : c));
  const reasonWidth = Math.max(20, width - others - resourceWidth - 2);
  const row = (cells: string[]) => cells.join('  ').trimEnd();
  out.push(row([...columns.map((c) => c.title.padEnd(c.width)), 'REASON']));
  for (const r of report.results) {
    out.push(row([...columns.map((c) => truncate(c.get(r), c.width).padEnd(c.width)), truncate(reasonText(r), reasonWidth)]));
  }
  if (report.results.length === 0) out.push('(no results)');
  out.push('');
  out.push(countsLine(report));
  if (report.scope.source !== 'sagemaker') out.push(driftLine(report));
  out.push(`Verdict: ${verdictLine(auditVerdict(report))}`);
  if (report.errors.length > 0) {
    out.push('');
    out.push(`Errors (${report.errors.length}):`);
    for (const e of report.errors) {
      out.push(`  ${e.accountId} ${e.region} ${failedCall(e)}${e.resourceArn ? ` ${e.resourceArn}` : ''}: ${e.code}: ${truncate(e.message, Math.max(40, width - 60))}`);
    }
  }
  if (report.notes.length > 0) {
    out.push('');
    out.push('Notes:');
    for (const n of report.notes) out.push(`  ${[n.accountId, n.region].filter(Boolean).join(' ')}${n.accountId || n.region ? ': ' : ''}${n.message}`);
  }
  return `${out.join('\n')}\n`;
}

/* ------------------------------------------- csv ------------------------------------------- */

export const CSV_COLUMNS = [
  'status',
  'severity',
  'controlId',
  'accountId',
  'region',
  'resourceKind',
  'resourceName',
  'resourceArn',
  'reason',
  'securityHubStatus',
  'drift',
  'findingId',
  'workflowStatus',
  'remediationKind',
  'remediationSummary',
  'acceptedBy',
  'acceptedReason',
  'acceptedUntil',
  'acceptedScope',
] as const;

/**
 * RFC 4180: a field with a comma, quote, CR or LF is quoted and its quotes doubled. A field that a spreadsheet would
 * read as a formula (=, +, -, @ first) gets a leading apostrophe.
 */
export function csvField(value: string | null | undefined): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function formatCsv(report: AuditReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of report.results) {
    const cells: (string | null)[] = [
      r.status,
      r.severity,
      r.controlId,
      r.accountId,
      r.region,
      r.resourceKind,
      r.resourceName,
      r.resourceArn,
      r.reason,
      r.securityHub ? (r.securityHub.status ?? '') : '',
      driftText(r),
      r.securityHub?.findingId ?? '',
      r.securityHub?.workflowStatus ?? '',
      r.remediation?.kind ?? '',
      r.remediation?.summary ?? '',
      r.acceptedRisk?.acceptedBy ?? '',
      r.acceptedRisk?.reason ?? '',
      r.acceptedRisk?.expiresAt ?? '',
      r.acceptedRisk?.scope ?? '',
    ];
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/* ----------------------------------------- markdown ----------------------------------------- */

function mdCell(s: string): string {
  return oneLine(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatMarkdown(report: AuditReport, totalControls: number): string {
  const out: string[] = [];
  out.push(`# SageMaker audit`);
  out.push('');
  out.push(`Generated ${report.generatedAt}. ${mdCell(scopeLine(report, totalControls))}.`);
  out.push('');
  out.push(countsLine(report));
  out.push('');
  out.push(`**Verdict:** ${verdictLine(auditVerdict(report))}`);
  out.push('');
  out.push('| Status | Severity | Control | Account | Region | Resource | Reason | Security Hub |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const r of report.results) {
    out.push(
      `| ${[r.status, r.severity, r.controlId, r.accountId, r.region, `\`${r.resourceName.replace(/`/g, "'")}\``, reasonText(r), driftText(r)]
        .map((c, i) => (i === 5 ? c.replace(/\|/g, '\\|') : mdCell(c)))
        .join(' | ')} |`,
    );
  }
  if (report.errors.length > 0) {
    out.push('');
    out.push('## Errors');
    out.push('');
    for (const e of report.errors) out.push(`- ${mdCell(`${e.accountId} ${e.region} ${failedCall(e)}${e.resourceArn ? ` ${e.resourceArn}` : ''}: ${e.code}: ${e.message}`)}`);
  }
  if (report.notes.length > 0) {
    out.push('');
    out.push('## Notes');
    out.push('');
    for (const n of report.notes) out.push(`- ${mdCell(`${[n.accountId, n.region].filter(Boolean).join(' ')}${n.accountId || n.region ? ': ' : ''}${n.message}`)}`);
  }
  return `${out.join('\n')}\n`;
}
