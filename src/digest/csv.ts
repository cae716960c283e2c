import type { DigestItem } from './model.js';

export const CSV_COLUMNS = [
  'status',
  'severity',
  'control',
  'account',
  'region',
  'resource_type',
  'resource_name',
  'resource_arn',
  'first_seen',
  'age_days',
  'new_since_last_digest',
  'reason',
  'accepted_by',
  'accepted_until',
  'accepted_reason',
] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. A cell that a spreadsheet would
 * run as a formula (starting with = + - @ or a tab/CR) gets a leading apostrophe.
 */
export function csvCell(value: string | number | boolean | undefined | null): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The full list of open findings, one row each, with a header line; CRLF line ends as RFC 4180 says. */
export function digestCsv(items: readonly DigestItem[]): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const i of items) {
    lines.push(
      [
        i.status,
        i.severity,
        i.controlId,
        i.accountId,
        i.region,
        i.resourceType,
        i.resourceName,
        i.resourceArn,
        i.firstSeen,
        i.ageDays,
        i.isNew ? 'yes' : 'no',
        i.reason,
        i.acceptedRisk?.acceptedBy,
        i.acceptedRisk?.expiresAt,
        i.acceptedRisk?.reason,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Parses CSV produced by `digestCsv` (for tests and tooling): rows of cells, header first. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
