import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/engine.js';
import type { AuditReport, AuditResult } from '../../src/audit/report.js';
import { auditVerdict, verdictLine } from '../../src/audit/verdict.js';
import type { ReadError } from '../../src/aws/resources.js';
import { ACCOUNT, createNotebooks, factoryFor, standinForTests, testConfig, useFakeCredentials } from './standin-helpers.js';

const result = (status: AuditResult['status']): AuditResult => ({
  controlId: 'SageMaker.2',
  status,
  severity: 'HIGH',
  resourceKind: 'notebook-instance',
  resourceType: 'AWS::SageMaker::NotebookInstance',
  resourceArn: 'arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/nb',
  resourceName: 'nb',
  accountId: ACCOUNT,
  region: 'us-east-1',
  reason: 'r',
  remediation: null,
  securityHub: null,
  fingerprint: null,
});
const readError: ReadError = { accountId: ACCOUNT, region: 'eu-west-1', operation: 'ListNotebookInstances', code: 'AccessDeniedException', message: 'no' };
const of = (statuses: AuditResult['status'][], errors: ReadError[] = []): Pick<AuditReport, 'results' | 'errors'> => ({ results: statuses.map(result), errors });

describe('auditVerdict: one rule for the CLI exit code, the Slack headline and the digest', () => {
  it.each([
    ['a FAILED result, whatever else', of(['FAILED', 'UNKNOWN', 'PASSED'], [readError]), 'failing'],
    ['UNKNOWN results only', of(['UNKNOWN', 'UNKNOWN']), 'incomplete'],
    ['passing results next to a read error', of(['PASSED'], [readError]), 'incomplete'],
    ['nothing read at all', of([], [readError]), 'incomplete'],
    ['passed, suppressed and not applicable, no error', of(['PASSED', 'SUPPRESSED', 'NOT_APPLICABLE']), 'passing'],
    ['nothing in scope and no error', of([]), 'passing'],
  ] as const)('%s → %s', (_what, report, outcome) => {
    expect(auditVerdict(report).outcome).toBe(outcome);
  });

  it('counts what it saw, and says "nothing read" only when errors came with no result', () => {
    expect(auditVerdict(of(['UNKNOWN', 'PASSED'], [readError, readError]))).toEqual({ outcome: 'incomplete', failed: 0, unknown: 1, errors: 2, nothingRead: false });
    expect(auditVerdict(of([], [readError])).nothingRead).toBe(true);
  });

  it('never words an incomplete audit as all clear', () => {
    const incomplete = verdictLine(auditVerdict(of(['UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN'], [readError])));
    expect(incomplete).toMatch(/^incomplete: /);
    expect(incomplete).toContain('4 UNKNOWN results');
    expect(incomplete).toContain('1 read error');
    expect(incomplete).not.toMatch(/all clear/i);
    expect(verdictLine(auditVerdict(of(['PASSED'])))).toMatch(/^all clear: /);
    expect(verdictLine(auditVerdict(of(['FAILED', 'FAILED', 'UNKNOWN'])))).toMatch(/^2 FAILED: .*1 UNKNOWN result\)$/);
  });
});

describe('runAudit: UNKNOWN results do not agree with Security Hub', () => {
  useFakeCredentials();
  const aws = standinForTests();

  it('every DescribeNotebookInstance denied: 4 UNKNOWN, none counted as agreeing, the verdict is incomplete', async () => {
    const standin = aws();
    createNotebooks(standin, ACCOUNT, 'us-east-1', 4);
    standin.failNext('DescribeNotebookInstance', { code: 'AccessDeniedException', message: 'not allowed', status: 400 }, { count: 100 });
    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.2'] }, { config: testConfig(), clientFactory: factoryFor(standin) });
    expect(report.summary.byStatus).toMatchObject({ UNKNOWN: 4, FAILED: 0, PASSED: 0 });
    expect(report.errors).toHaveLength(4);
    expect(report.results.map((r) => r.securityHub?.drift)).toEqual(['not-compared', 'not-compared', 'not-compared', 'not-compared']);
    expect(report.summary.drift).toMatchObject({ agrees: 0, 'not-compared': 4 });
    expect(auditVerdict(report)).toMatchObject({ outcome: 'incomplete', unknown: 4, errors: 4 });
  });

  it('source securityhub where Security Hub is not enabled: nothing was read, an error and not a pass', async () => {
    const standin = aws();
    createNotebooks(standin, ACCOUNT, 'us-east-1', 2);
    standin.region(ACCOUNT, 'us-east-1').securityHub.enabled = false;
    const report = await runAudit({ regions: ['us-east-1'], source: 'securityhub' }, { config: testConfig(), clientFactory: factoryFor(standin) });
    expect(report.results).toEqual([]);
    expect(report.errors).toEqual([expect.objectContaining({ region: 'us-east-1', service: 'securityhub', code: 'SecurityHubNotEnabled' })]);
    expect(auditVerdict(report)).toMatchObject({ outcome: 'incomplete', nothingRead: true });
  });
});
