import type { AcceptedRisk, AuditReport, AuditResult } from '../audit/report.js';
import { auditVerdict, type AuditVerdict } from '../audit/verdict.js';
import { failedCall } from '../aws/errors.js';
import type { AcceptedRiskRecord } from '../risks/types.js';
import type { CarriedReason, DigestDiff, FindingState } from './diff.js';
import { ageInDays, emptySeverityCounts, severityRank } from './keys.js';
import type { Severity } from '../aws/resources.js';

/** One open finding as the digest shows it. */
export interface DigestItem {
  key: string;
  controlId: string;
  severity: Severity;
  status: 'FAILED' | 'SUPPRESSED';
  accountId: string;
  region: string;
  resourceType: string;
  resourceArn: string;
  resourceName: string;
  reason: string;
  firstSeen: string;
  ageDays: number;
  isNew: boolean;
  /** A fix can be proposed (there is a plan, and it is not manual). */
  fixable: boolean;
  acceptedRisk?: AcceptedRisk;
  /** The result itself, for creating a proposal from the digest. */
  result: AuditResult;
}

export interface FixedItem extends FindingState {
  nowStatus: 'PASSED' | 'NOT_APPLICABLE' | 'ABSENT';
}

export interface UnreadableScope {
  accountId: string;
  /** `*` for the whole account. */
  region: string;
  /** Distinct `operation: code` pairs. */
  problems: string[];
  /** First error message, for a hint. */
  message: string;
  /** Findings open at the previous digest that could not be checked there. */
  carried: number;
}

export interface DigestModel {
  generatedAt: string;
  firstRun: boolean;
  previousRunAt: string | null;
  /** The audit's verdict, as the CLI and the audit summary give it (accepted risks count as passing). */
  verdict: AuditVerdict;
  totals: { results: number; failing: number; suppressed: number; passed: number; notApplicable: number; unknown: number };
  /** FAILED results (not SUPPRESSED) by severity. */
  bySeverity: Record<Severity, number>;
  byControl: { controlId: string; title: string | undefined; severity: Severity; failing: number }[];
  byAccountRegion: { accountId: string; region: string; failing: number }[];
  newFailures: DigestItem[];
  fixed: FixedItem[];
  oldest: DigestItem[];
  /** The few most important failures (highest severity, then oldest), shown with buttons. */
  top: DigestItem[];
  accepted: { active: AcceptedRiskRecord[]; expiringSoon: AcceptedRiskRecord[]; expired: AcceptedRiskRecord[] };
  unreadable: UnreadableScope[];
  /** Findings carried over without being checked, by reason. */
  carried: Record<CarriedReason, number>;
  /** Every open finding, FAILED then SUPPRESSED, most severe and oldest first: the CSV rows. */
  items: DigestItem[];
}

export interface DigestModelInput {
  report: Pick<AuditReport, 'results' | 'errors'>;
  diff: DigestDiff;
  now: Date;
  /** Active risks, and those that expired since the previous digest. */
  risks: { active: AcceptedRiskRecord[]; expired: AcceptedRiskRecord[] };
  controlTitles?: Record<string, string>;
  topCount?: number;
  oldestCount?: number;
  expiringWithinDays?: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** Plain code-unit order: ISO timestamps and keys sort correctly, and it is far cheaper than localeCompare. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function byImportance(a: DigestItem, b: DigestItem): number {
  return (
    (a.status === b.status ? 0 : a.status === 'FAILED' ? -1 : 1) ||
    severityRank(a.severity) - severityRank(b.severity) ||
    cmp(a.firstSeen, b.firstSeen) ||
    cmp(a.key, b.key)
  );
}

/** Pure: everything the digest says, from the audit (accepted risks already applied) and the diff with the previous digest. */
export function buildDigestModel(input: DigestModelInput): DigestModel {
  const { report, diff, now } = input;
  const totals = { results: report.results.length, failing: 0, suppressed: 0, passed: 0, notApplicable: 0, unknown: 0 };
  for (const r of report.results) {
    if (r.status === 'FAILED') totals.failing++;
    else if (r.status === 'SUPPRESSED') totals.suppressed++;
    else if (r.status === 'PASSED') totals.passed++;
    else if (r.status === 'NOT_APPLICABLE') totals.notApplicable++;
    else totals.unknown++;
  }

  const items: DigestItem[] = diff.open.map(({ result, state }) => ({
    key: state.key,
    controlId: result.controlId,
    severity: result.severity,
    status: state.status,
    accountId: result.accountId,
    region: result.region,
    resourceType: result.resourceType,
    resourceArn: result.resourceArn,
    resourceName: result.resourceName,
    reason: result.reason,
    firstSeen: state.firstSeen,
    ageDays: ageInDays(state.firstSeen, now),
    isNew: diff.newKeys.has(state.key),
    fixable: result.status === 'FAILED' && result.remediation !== null && result.remediation.kind !== 'manual' && result.remediation.steps.length > 0,
    ...(result.acceptedRisk ? { acceptedRisk: result.acceptedRisk } : {}),
    result,
  }));
  items.sort(byImportance);
  const failing = items.filter((i) => i.status === 'FAILED');

  const bySeverity = emptySeverityCounts();
  const controls = new Map<string, { controlId: string; title: string | undefined; severity: Severity; failing: number }>();
  const places = new Map<string, { accountId: string; region: string; failing: number }>();
  for (const i of failing) {
    bySeverity[i.severity]++;
    const c = controls.get(i.controlId) ?? { controlId: i.controlId, title: input.controlTitles?.[i.controlId], severity: i.severity, failing: 0 };
    c.failing++;
    controls.set(i.controlId, c);
    const placeKey = `${i.accountId}|${i.region}`;
    const p = places.get(placeKey) ?? { accountId: i.accountId, region: i.region, failing: 0 };
    p.failing++;
    places.set(placeKey, p);
  }
  const controlNumber = (id: string) => Number(id.split('.')[1] ?? 0);
  const byControl = [...controls.values()].sort(
    (a, b) => b.failing - a.failing || severityRank(a.severity) - severityRank(b.severity) || controlNumber(a.controlId) - controlNumber(b.controlId),
  );
  const byAccountRegion = [...places.values()].sort(
    (a, b) => b.failing - a.failing || a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region),
  );

  const oldest = [...failing]
    .sort((a, b) => cmp(a.firstSeen, b.firstSeen) || severityRank(a.severity) - severityRank(b.severity) || cmp(a.key, b.key))
    .slice(0, input.oldestCount ?? 5);

  const fixed = [...diff.fixed].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || cmp(a.controlId, b.controlId) || cmp(a.key, b.key),
  );

  const soon = now.getTime() + (input.expiringWithinDays ?? 7) * DAY_MS;
  const active = input.risks.active.filter((r) => Date.parse(r.expiresAt) > now.getTime());
  const expiringSoon = active.filter((r) => Date.parse(r.expiresAt) <= soon);

  const carriedByScope = new Map<string, number>();
  const carried: Record<CarriedReason, number> = { unreadable: 0, unknown: 0, 'out-of-scope': 0 };
  for (const c of diff.carried) {
    carried[c.reason]++;
    if (c.reason === 'unreadable') {
      const k = `${c.state.accountId}|${c.state.region}`;
      carriedByScope.set(k, (carriedByScope.get(k) ?? 0) + 1);
    }
  }
  const scopes = new Map<string, UnreadableScope>();
  for (const e of report.errors) {
    if (e.resourceArn) continue;
    const region = e.region || '*';
    const k = `${e.accountId}|${region}`;
    const s = scopes.get(k) ?? { accountId: e.accountId, region, problems: [], message: e.message, carried: 0 };
    const problem = `${failedCall(e)}: ${e.code}`;
    if (!s.problems.includes(problem)) s.problems.push(problem);
    scopes.set(k, s);
  }
  for (const [k, n] of carriedByScope) {
    const accountId = k.split('|')[0] ?? '';
    const s = scopes.get(k) ?? scopes.get(`${accountId}|*`);
    if (s) s.carried += n;
  }
  const unreadable = [...scopes.values()].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));

  return {
    generatedAt: now.toISOString(),
    firstRun: diff.firstRun,
    previousRunAt: diff.previousRunAt,
    verdict: auditVerdict(report),
    totals,
    bySeverity,
    byControl,
    byAccountRegion,
    newFailures: items.filter((i) => i.isNew),
    fixed,
    oldest,
    top: failing.slice(0, input.topCount ?? 5),
    accepted: { active, expiringSoon, expired: input.risks.expired },
    unreadable,
    carried,
    items,
  };
}
