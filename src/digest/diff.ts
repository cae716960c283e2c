import type { AuditReport, AuditResult } from '../audit/report.js';
import { findingKey } from './keys.js';
import type { Severity } from '../aws/resources.js';

/** ReadError region used for errors that concern a whole account (e.g. AssumeRole failed); see src/aws/accounts.ts. */
const ALL_REGIONS = '*';

/** What the digest remembers about one open (FAILED or SUPPRESSED) finding between runs. */
export interface FindingState {
  key: string;
  controlId: string;
  accountId: string;
  region: string;
  resourceArn: string;
  resourceName: string;
  resourceType: string;
  severity: Severity;
  status: 'FAILED' | 'SUPPRESSED';
  /** When a digest first saw it open (kept while it stays open, or while it cannot be read). */
  firstSeen: string;
  /** The last digest that saw it open. */
  lastSeen: string;
  /** The channel its resource was routed to (ROUTING_FILE) when the digest was split; it hears about the fix too. */
  channel?: string;
}

export interface PreviousRun {
  runAt: string;
  /** Open findings at the previous digest, by key. */
  open: Map<string, FindingState>;
}

/** Why an open finding of the previous digest is neither open now nor fixed. */
export type CarriedReason = 'unreadable' | 'unknown' | 'out-of-scope';

export interface CarriedFinding {
  state: FindingState;
  reason: CarriedReason;
}

export interface DigestDiff {
  /** No previous digest: nothing is "new" or "fixed" yet, this run is the baseline. */
  firstRun: boolean;
  previousRunAt: string | null;
  /** FAILED or SUPPRESSED now, with firstSeen carried from the previous run. */
  open: { result: AuditResult; state: FindingState }[];
  /** Keys open now that were not open at the previous digest. */
  newKeys: Set<string>;
  /** Open at the previous digest, now PASSED / NOT_APPLICABLE, or gone from an account/region that was read. */
  fixed: (FindingState & { nowStatus: 'PASSED' | 'NOT_APPLICABLE' | 'ABSENT' })[];
  /** Open at the previous digest and not seen now because their account/region (or the resource) could not be read. */
  carried: CarriedFinding[];
  /** The state to store for the next digest: open now, plus carried. */
  next: Map<string, FindingState>;
}

/**
 * `accountId|region` pairs, and `accountId|*`, whose SageMaker inventory could not be (fully) read: errors not tied
 * to one resource. A Security Hub read error alone does not count: the live inventory decides what is fixed.
 */
export function unreadableScopes(report: Pick<AuditReport, 'errors'>): Set<string> {
  const out = new Set<string>();
  for (const e of report.errors) {
    if (e.resourceArn || e.operation.startsWith('securityhub:')) continue;
    out.add(`${e.accountId}|${e.region || ALL_REGIONS}`.toLowerCase());
  }
  return out;
}

function inScope(report: Pick<AuditReport, 'scope'>, s: FindingState): boolean {
  const { accounts, regions, controls } = report.scope;
  const has = (list: string[], v: string) => list.length === 0 || list.some((x) => x.toLowerCase() === v.toLowerCase());
  if (!has(accounts, s.accountId) || !has(regions, s.region) || !has(controls, s.controlId)) return false;
  if (report.scope.resource) {
    const needle = report.scope.resource.toLowerCase();
    if (s.resourceArn.toLowerCase() !== needle && s.resourceName.toLowerCase() !== needle) return false;
  }
  return true;
}

/**
 * Compares this audit with the previous digest's open findings. Pure.
 * A finding is only "fixed" when the audit positively saw it pass, or saw its account/region and it was gone:
 * an unreadable account/region or an UNKNOWN result carries the finding forward instead.
 */
export function diffDigest(report: Pick<AuditReport, 'results' | 'errors' | 'scope'>, previous: PreviousRun | null, now: Date): DigestDiff {
  const at = now.toISOString();
  const unreadable = unreadableScopes(report);
  const isUnreadable = (s: FindingState) =>
    unreadable.has(`${s.accountId}|${s.region}`.toLowerCase()) || unreadable.has(`${s.accountId}|${ALL_REGIONS}`.toLowerCase());

  const byKey = new Map<string, AuditResult>();
  const open: DigestDiff['open'] = [];
  const newKeys = new Set<string>();
  const next = new Map<string, FindingState>();

  for (const result of report.results) {
    const key = findingKey(result);
    const seen = byKey.get(key);
    // One result per key; if the engine ever returned two, the failing one wins.
    if (seen && (seen.status === 'FAILED' || seen.status === 'SUPPRESSED')) continue;
    byKey.set(key, result);
  }

  for (const [key, result] of byKey) {
    if (result.status !== 'FAILED' && result.status !== 'SUPPRESSED') continue;
    const prev = previous?.open.get(key);
    const state: FindingState = {
      key,
      controlId: result.controlId,
      accountId: result.accountId,
      region: result.region,
      resourceArn: result.resourceArn,
      resourceName: result.resourceName,
      resourceType: result.resourceType,
      severity: result.severity,
      status: result.status,
      firstSeen: prev?.firstSeen ?? at,
      lastSeen: at,
    };
    open.push({ result, state });
    next.set(key, state);
    if (previous && !prev) newKeys.add(key);
  }

  const fixed: DigestDiff['fixed'] = [];
  const carried: CarriedFinding[] = [];
  for (const [key, prev] of previous?.open ?? []) {
    if (next.has(key)) continue;
    const now = byKey.get(key);
    if (now?.status === 'PASSED' || now?.status === 'NOT_APPLICABLE') {
      fixed.push({ ...prev, nowStatus: now.status });
    } else if (now) {
      carried.push({ state: prev, reason: 'unknown' });
    } else if (isUnreadable(prev)) {
      carried.push({ state: prev, reason: 'unreadable' });
    } else if (!inScope(report, prev)) {
      carried.push({ state: prev, reason: 'out-of-scope' });
    } else {
      fixed.push({ ...prev, nowStatus: 'ABSENT' });
    }
  }
  for (const c of carried) next.set(c.state.key, c.state);

  return { firstRun: previous === null, previousRunAt: previous?.runAt ?? null, open, newKeys, fixed, carried, next };
}
