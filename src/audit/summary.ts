import { compareControlIds } from '../controls/index.js';
import type { AuditResult, AuditSummary, Drift, ResultStatus, StatusCounts } from './report.js';
import type { Severity } from '../aws/resources.js';

export const RESULT_STATUSES: readonly ResultStatus[] = ['FAILED', 'UNKNOWN', 'SUPPRESSED', 'PASSED', 'NOT_APPLICABLE'];
export const DRIFTS: readonly Drift[] = ['agrees', 'fixed-still-reported', 'failing-not-reported', 'reported-only', 'not-compared'];
const SEVERITY_ORDER: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

export function emptyCounts(): StatusCounts {
  return { FAILED: 0, UNKNOWN: 0, SUPPRESSED: 0, PASSED: 0, NOT_APPLICABLE: 0 };
}


/**
 * Counts for the report. Pure. Controls, accounts and regions in scope get a row even with no result,
 * so the shape does not depend on what was found.
 */
export function summarize(
  results: readonly AuditResult[],
  scope: { controls?: readonly string[]; accounts?: readonly string[]; regions?: readonly string[] } = {},
): AuditSummary {
  const byStatus = emptyCounts();
  const failedBySeverity: Record<Severity, number> = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0 };
  const byControl: Record<string, StatusCounts> = {};
  const byAccount: Record<string, StatusCounts> = {};
  const byRegion: Record<string, StatusCounts> = {};
  const drift = Object.fromEntries(DRIFTS.map((d) => [d, 0])) as Record<Drift, number>;
  for (const id of [...(scope.controls ?? [])].sort(compareControlIds)) byControl[id] = emptyCounts();
  for (const id of [...(scope.accounts ?? [])].sort()) byAccount[id] = emptyCounts();
  for (const id of [...(scope.regions ?? [])].sort()) byRegion[id] = emptyCounts();

  for (const r of results) {
    byStatus[r.status]++;
    if (r.status === 'FAILED') failedBySeverity[r.severity]++;
    (byControl[r.controlId] ??= emptyCounts())[r.status]++;
    (byAccount[r.accountId] ??= emptyCounts())[r.status]++;
    (byRegion[r.region] ??= emptyCounts())[r.status]++;
    if (r.securityHub) drift[r.securityHub.drift]++;
  }
  return { total: results.length, byStatus, failedBySeverity, byControl, byAccount, byRegion, drift };
}

const statusRank = (s: ResultStatus) => RESULT_STATUSES.indexOf(s);
const severityRank = (s: Severity) => SEVERITY_ORDER.indexOf(s);

/** FAILED first, most severe first; then control number, account, region, resource name. */
export function compareResults(a: AuditResult, b: AuditResult): number {
  return (
    statusRank(a.status) - statusRank(b.status) ||
    severityRank(a.severity) - severityRank(b.severity) ||
    compareControlIds(a.controlId, b.controlId) ||
    a.accountId.localeCompare(b.accountId) ||
    a.region.localeCompare(b.region) ||
    a.resourceName.localeCompare(b.resourceName) ||
    a.resourceArn.localeCompare(b.resourceArn)
  );
}
