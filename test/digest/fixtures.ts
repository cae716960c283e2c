import type { AuditReport, AuditResult, AuditSummary, StatusCounts } from '../../src/audit/report.js';
import type { ReadError } from '../../src/aws/resources.js';
import type { Severity } from '../../src/aws/resources.js';

const SEVS: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const empty = (): StatusCounts => ({ FAILED: 0, UNKNOWN: 0, SUPPRESSED: 0, PASSED: 0, NOT_APPLICABLE: 0 });

export function result(o: Partial<AuditResult> & { name: string }): AuditResult {
  const accountId = o.accountId ?? '111111111111';
  const region = o.region ?? 'us-east-1';
  const { name, ...rest } = o;
  return {
    controlId: 'SageMaker.1',
    status: 'FAILED',
    severity: 'HIGH',
    resourceKind: 'notebook-instance',
    resourceType: 'AWS::SageMaker::NotebookInstance',
    resourceArn: `arn:aws:sagemaker:${region}:${accountId}:notebook-instance/${name}`,
    resourceName: name,
    accountId,
    region,
    reason: `Notebook ${name} has direct internet access.`,
    remediation: {
      kind: 'in-place',
      summary: 'Disable direct internet access.',
      disruption: 'restart',
      allowedStates: [],
      steps: [{ id: 'stop', operation: 'StopNotebookInstance' as never, title: 'Stop', params: {} }],
      verify: { controlId: o.controlId ?? 'SageMaker.1' },
      rollback: null,
    },
    securityHub: null,
    fingerprint: 'f'.repeat(32),
    ...rest,
  };
}

export function summarize(results: readonly AuditResult[]): AuditSummary {
  const s: AuditSummary = {
    total: results.length,
    byStatus: empty(),
    failedBySeverity: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0 },
    byControl: {},
    byAccount: {},
    byRegion: {},
    drift: { agrees: 0, 'fixed-still-reported': 0, 'failing-not-reported': 0, 'reported-only': 0, 'not-compared': 0 },
  };
  for (const r of results) {
    s.byStatus[r.status]++;
    if (r.status === 'FAILED') s.failedBySeverity[r.severity]++;
    (s.byControl[r.controlId] ??= empty())[r.status]++;
    (s.byAccount[r.accountId] ??= empty())[r.status]++;
    (s.byRegion[r.region] ??= empty())[r.status]++;
  }
  return s;
}

export function report(results: AuditResult[], errors: ReadError[] = [], generatedAt = '2026-11-26T09:00:00.000Z'): AuditReport {
  return {
    generatedAt,
    durationMs: 1,
    scope: { accounts: [], regions: [], controls: [], source: 'sagemaker' },
    summary: summarize(results),
    results,
    errors,
    notes: [],
  };
}

/**
 * A large fleet: `n` results over 3 accounts × 4 regions and 25 controls, about 60% FAILED, with names that need
 * escaping now and then (`*`, `<`, `&`).
 */
export function fleet(n: number): AuditResult[] {
  const accounts = ['111111111111', '222222222222', '333333333333'];
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
  const out: AuditResult[] = [];
  for (let i = 0; i < n; i++) {
    const status = i % 5 < 3 ? 'FAILED' : i % 5 === 3 ? 'PASSED' : i % 10 === 4 ? 'NOT_APPLICABLE' : 'UNKNOWN';
    const name = i % 97 === 0 ? `nb-<${i}>&*bold*` : `nb-${i}`;
    out.push(
      result({
        name,
        controlId: `SageMaker.${(i % 25) + 1}`,
        severity: SEVS[i % 4]!,
        accountId: accounts[i % 3]!,
        region: regions[Math.floor(i / 3) % 4]!,
        status,
      }),
    );
  }
  return out;
}
