import type { AuditNote, ReadError, ResourceKind, Severity } from '../aws/resources.js';
import type { ControlStatus } from '../controls/types.js';
import type { RemediationPlan } from '../plans/plan.js';

/** The JSON report shape is a public contract (CLI `--format json`, Slack, digest): extend, never rename. */
export type ResultStatus = ControlStatus | 'SUPPRESSED';

export type AuditSource = 'sagemaker' | 'securityhub' | 'both';

/**
 * How the live evaluation compares with Security Hub:
 * - `agrees`: both fail, or both do not;
 * - `fixed-still-reported`: passes live, Security Hub still has an ACTIVE FAILED finding (re-evaluation pending);
 * - `failing-not-reported`: fails live, Security Hub has no FAILED finding (not evaluated yet, or region gap);
 * - `reported-only`: Security Hub reports it, the live inventory did not evaluate it (deleted, or not read);
 * - `not-compared`: the live result is UNKNOWN and Security Hub has no FAILED finding: nothing to compare, so it
 *   is not counted as agreeing.
 */
export type Drift = 'agrees' | 'fixed-still-reported' | 'failing-not-reported' | 'reported-only' | 'not-compared';

export interface SecurityHubView {
  /** Compliance status of the finding: FAILED when an ACTIVE FAILED finding exists, else null (none found). */
  status: 'FAILED' | null;
  findingId: string | null;
  productArn: string | null;
  workflowStatus: string | null;
  drift: Drift;
}

export interface AcceptedRisk {
  id: string;
  acceptedBy: string;
  reason: string;
  acceptedAt: string;
  expiresAt: string;
  scope: 'resource' | 'control-in-account';
}

export interface AuditResult {
  controlId: string;
  status: ResultStatus;
  severity: Severity;
  resourceKind: ResourceKind;
  resourceType: string;
  resourceArn: string;
  resourceName: string;
  accountId: string;
  region: string;
  reason: string;
  /** The fix offered for a FAILED result; null otherwise. */
  remediation: RemediationPlan | null;
  /** null when Security Hub was not consulted (`--source sagemaker`, or not enabled there). */
  securityHub: SecurityHubView | null;
  /**
   * configurationFingerprint(snapshot.detail, snapshot.tags) from src/remediation/drift.ts, computed by the engine
   * when it evaluated the resource (null for Security Hub-only results). Proposals store it; the remediation
   * worker re-reads the resource and refuses to act when the fingerprint changed (drift).
   */
  fingerprint: string | null;
  /** Set when status is SUPPRESSED. */
  acceptedRisk?: AcceptedRisk;
}

/** What to audit. Every part is optional: the configuration fills what is not given (the CLI, Slack and the digest all ask with it). */
export interface AuditScope {
  /** 12-digit ids; default: the configured accounts; none (and no discovery) → the credentials' own account. */
  accounts?: string[];
  /** Default: the configured regions. */
  regions?: string[];
  /** Control ids (`SageMaker.N`); default (or empty): every control. */
  controls?: string[];
  /** Default `both`. */
  source?: AuditSource;
  /** Only this resource (name or ARN). */
  resource?: string;
  /** Role name or ARN template assumed in each account; default: the configured one. */
  role?: string;
  /** Add the organization's active accounts; default: the configuration's choice. */
  discoverAccounts?: boolean;
}

/** The scope an audit actually covered, as its report states it. */
export interface CoveredScope {
  accounts: string[];
  regions: string[];
  controls: string[];
  source: AuditSource;
  resource?: string;
}

export type StatusCounts = Record<ResultStatus, number>;

export interface AuditSummary {
  total: number;
  byStatus: StatusCounts;
  /** FAILED results by severity. */
  failedBySeverity: Record<Severity, number>;
  byControl: Record<string, StatusCounts>;
  byAccount: Record<string, StatusCounts>;
  byRegion: Record<string, StatusCounts>;
  drift: Record<Drift, number>;
}


export interface AuditReport {
  generatedAt: string;
  durationMs: number;
  scope: CoveredScope;
  summary: AuditSummary;
  results: AuditResult[];
  errors: ReadError[];
  /** Things the user should know that are not errors (Security Hub not enabled, region gaps). */
  notes: AuditNote[];
}

/** The identity of a resource across audits, digests and proposals. */
export function resourceKey(r: Pick<AuditResult, 'accountId' | 'region' | 'resourceArn'>): string {
  return `${r.accountId}|${r.region}|${r.resourceArn}`.toLowerCase();
}
