import type { AuditResult } from '../audit/report.js';
import { SEVERITIES } from '../aws/resources.js';
import type { Severity } from '../aws/resources.js';

/** The identity of one finding across digests: control, account, region and resource, lower-cased. */
export function findingKey(r: Pick<AuditResult, 'controlId' | 'accountId' | 'region' | 'resourceArn'>): string {
  return `${r.controlId}|${r.accountId}|${r.region}|${r.resourceArn}`.toLowerCase();
}

/** CRITICAL → 0 … LOW → 3, for sorting most severe first. */
export function severityRank(s: Severity): number {
  const i = SEVERITIES.indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
}

export function emptySeverityCounts(): Record<Severity, number> {
  return { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0 };
}

const DAY_MS = 24 * 3600 * 1000;

/** Whole days between `from` and `now` (0 on the first day). */
export function ageInDays(from: string, now: Date): number {
  const t = Date.parse(from);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, Math.floor((now.getTime() - t) / DAY_MS));
}

/** `YYYY-MM-DD` of `date` in the IANA time zone `tz` (the digest's calendar day). */
export function dayInZone(date: Date, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The `count` calendar days ending with `lastDay` (YYYY-MM-DD), oldest first. */
export function lastDays(lastDay: string, count: number): string[] {
  const end = Date.parse(`${lastDay}T00:00:00Z`);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(new Date(end - i * DAY_MS).toISOString().slice(0, 10));
  return out;
}
