import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditRequestError, runAudit } from '../../src/audit/engine.js';
import type { AuditResult } from '../../src/audit/report.js';
import { ACCOUNT, callsByOperation, createNotebook, createNotebooks, factoryFor, testConfig, useFakeCredentials } from './standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';

useFakeCredentials();
let standin: AwsStandin;
const OTHER = '222222222222';
const THIRD = '333333333333';
const FOURTH = '444444444444';

beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: 0 });
});
afterAll(async () => {
  await standin.close();
});
afterEach(() => {
  standin.state.clear();
  standin.clearFaults();
  standin.resetCounters();
  standin.throttleRate = 0;
});

const deps = () => ({ config: testConfig(), clientFactory: factoryFor(standin), now: () => new Date('2026-11-26T10:00:00Z') });
const find = (results: AuditResult[], name: string, control = 'SageMaker.3') =>
  results.find((r) => r.resourceName.toLowerCase() === name.toLowerCase() && r.controlId === control);

describe('runAudit: Security Hub merge', () => {
  it('gives the four drift cases', async () => {
    createNotebook(standin, ACCOUNT, 'us-east-1', 'Fail-Reported', { RootAccess: 'Enabled' });
    createNotebook(standin, ACCOUNT, 'us-east-1', 'fixed-reported', { RootAccess: 'Disabled' });
    createNotebook(standin, ACCOUNT, 'us-east-1', 'fail-unreported', { RootAccess: 'Enabled' });
    createNotebook(standin, ACCOUNT, 'us-east-1', 'pass-unreported', { RootAccess: 'Disabled' });
    const arn = (n: string) => standin.arn('notebook-instance', ACCOUNT, 'us-east-1', n); // lower-cased like AWS
    const f1 = standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: arn('Fail-Reported'), severity: 'HIGH' });
    standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: arn('fixed-reported'), workflowStatus: 'NOTIFIED' });
    standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: arn('deleted-nb'), severity: 'HIGH' });
    // Not counted: suppressed, passed, archived, other control.
    standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: arn('pass-unreported'), workflowStatus: 'SUPPRESSED' });
    standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: arn('pass-unreported'), status: 'PASSED' });
    standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.1', resourceArn: arn('pass-unreported') });

    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'], source: 'both' }, deps());
    const r = report.results;
    expect(r).toHaveLength(5);
    expect(find(r, 'Fail-Reported')).toMatchObject({ status: 'FAILED', securityHub: { status: 'FAILED', findingId: f1.Id, productArn: f1.ProductArn, workflowStatus: 'NEW', drift: 'agrees' } });
    expect(find(r, 'Fail-Reported')?.remediation).not.toBeNull();
    expect(find(r, 'Fail-Reported')?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(find(r, 'fixed-reported')).toMatchObject({ status: 'PASSED', remediation: null, securityHub: { status: 'FAILED', workflowStatus: 'NOTIFIED', drift: 'fixed-still-reported' } });
    expect(find(r, 'fail-unreported')).toMatchObject({ status: 'FAILED', securityHub: { status: null, findingId: null, drift: 'failing-not-reported' } });
    expect(find(r, 'pass-unreported')).toMatchObject({ status: 'PASSED', securityHub: { status: null, drift: 'agrees' } });
    const reportedOnly = find(r, 'deleted-nb');
    // Notebooks were listed in full and deleted-nb is not among them: the finding is stale, not a failure.
    expect(reportedOnly).toMatchObject({
      status: 'NOT_APPLICABLE',
      severity: 'HIGH',
      resourceKind: 'notebook-instance',
      resourceType: 'AWS::SageMaker::NotebookInstance',
      accountId: ACCOUNT,
      region: 'us-east-1',
      remediation: null,
      fingerprint: null,
      securityHub: { drift: 'reported-only', status: 'FAILED' },
    });
    expect(reportedOnly?.reason).toBe('Security Hub still reports SageMaker.3 FAILED for deleted-nb, but no such resource exists any more (deleted or renamed): the finding is stale.');
    expect(report.summary.drift).toEqual({ agrees: 2, 'fixed-still-reported': 1, 'failing-not-reported': 1, 'reported-only': 1, 'not-compared': 0 });
    expect(report.summary.byStatus).toMatchObject({ FAILED: 2, PASSED: 2, NOT_APPLICABLE: 1 });
    // FAILED first, then the others.
    expect(r.slice(0, 2).every((x) => x.status === 'FAILED')).toBe(true);
    expect(report.notes.some((n) => /no Security Hub finding yet/.test(n.message))).toBe(true);
  });

  it('a finding whose resource kind could not be listed stays FAILED: the live side cannot tell', async () => {
    createNotebook(standin, ACCOUNT, 'us-east-1', 'nb-a', { RootAccess: 'Enabled' });
    standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: standin.arn('notebook-instance', ACCOUNT, 'us-east-1', 'nb-a'), severity: 'HIGH' });
    standin.failNext('ListNotebookInstances', { code: 'AccessDeniedException', message: 'not allowed', status: 400 }, { count: 10 });
    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'], source: 'both' }, deps());
    expect(report.errors).toContainEqual(expect.objectContaining({ operation: 'ListNotebookInstances', code: 'AccessDeniedException' }));
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ status: 'FAILED', resourceName: 'nb-a', securityHub: { drift: 'reported-only' } });
    expect(report.results[0]?.reason).toMatch(/the live inventory could not read it\.$/);
  });

  it('live failures with no finding at all: one DescribeHub, and a note when findings are per standard', async () => {
    createNotebook(standin, ACCOUNT, 'us-east-1', 'nb-fail', { RootAccess: 'Enabled' });
    standin.region(ACCOUNT, 'us-east-1').securityHub.controlFindingGenerator = 'STANDARD_CONTROL';
    const perStandard = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'], source: 'both' }, deps());
    expect(standin.callCount('DescribeHub')).toBe(1);
    expect(perStandard.notes).toContainEqual({ accountId: ACCOUNT, region: 'us-east-1', message: expect.stringMatching(/STANDARD_CONTROL/) });

    standin.resetCounters();
    standin.region(ACCOUNT, 'us-east-1').securityHub.controlFindingGenerator = 'SECURITY_CONTROL';
    const consolidated = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'], source: 'both' }, deps());
    expect(standin.callCount('DescribeHub')).toBe(1);
    expect(consolidated.notes.some((n) => /STANDARD_CONTROL/.test(n.message))).toBe(false);

    // With a finding to compare, nothing to explain: no DescribeHub call.
    standin.resetCounters();
    standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: standin.arn('notebook-instance', ACCOUNT, 'us-east-1', 'nb-fail') });
    await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'], source: 'both' }, deps());
    expect(standin.callCount('DescribeHub')).toBe(0);
  });

  it('Security Hub not enabled: a note, not an error, and the live results stand with securityHub null', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 4);
    standin.region(ACCOUNT, 'us-east-1').securityHub.enabled = false;
    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'] }, deps());
    expect(report.errors).toEqual([]);
    expect(report.results).toHaveLength(4);
    expect(report.results.every((r) => r.securityHub === null)).toBe(true);
    expect(report.notes).toContainEqual({ accountId: ACCOUNT, region: 'us-east-1', message: expect.stringMatching(/Security Hub is not enabled/) });
  });

  it('--source sagemaker: no Security Hub call, securityHub null everywhere', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 3);
    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'], source: 'sagemaker' }, deps());
    expect(standin.callCount(undefined, { service: 'securityhub' })).toBe(0);
    expect(report.results).toHaveLength(3);
    expect(report.results.every((r) => r.securityHub === null)).toBe(true);
    expect(report.summary.drift).toEqual({ agrees: 0, 'fixed-still-reported': 0, 'failing-not-reported': 0, 'reported-only': 0, 'not-compared': 0 });
  });

  it('--source securityhub: results only from findings, no SageMaker call', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 3);
    standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.8', resourceArn: standin.arn('notebook-instance', ACCOUNT, 'us-east-1', 'nb-0001') });
    const report = await runAudit({ regions: ['us-east-1'], source: 'securityhub' }, deps());
    expect(standin.callCount(undefined, { service: 'sagemaker' })).toBe(0);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ controlId: 'SageMaker.8', status: 'FAILED', resourceName: 'nb-0001', securityHub: { drift: 'reported-only' } });
  });

  it('resource filter applies to findings too', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 3);
    standin.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: standin.arn('notebook-instance', ACCOUNT, 'us-east-1', 'other') });
    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'], resource: 'nb-0000' }, deps());
    expect(report.results.map((r) => r.resourceName)).toEqual(['nb-0000']);
    expect(report.scope.resource).toBe('nb-0000');
    expect(callsByOperation(standin).DescribeNotebookInstance).toBe(1);
  });
});

describe('runAudit: targets', () => {
  it('one account AccessDenied (AssumeRole) and one region disabled: errors recorded, other targets present', async () => {
    for (const a of [ACCOUNT, OTHER, THIRD]) for (const r of ['us-east-1', 'eu-west-1']) createNotebooks(standin, a, r, 2, `nb-${a.slice(0, 1)}-${r}`);
    standin.denyAssumeRole(`arn:aws:iam::${OTHER}:role/Auditor`);
    standin.region(THIRD, 'eu-west-1').regionDisabled = true;
    const progress: string[] = [];
    const report = await runAudit(
      { accounts: [ACCOUNT, OTHER, THIRD], regions: ['us-east-1', 'eu-west-1'], role: 'Auditor', controls: ['SageMaker.3', 'SageMaker.21'] },
      { ...deps(), onProgress: (e) => progress.push(e.type) },
    );
    expect(report.scope.accounts).toEqual([ACCOUNT, OTHER, THIRD]);
    const assume = report.errors.filter((e) => e.operation.startsWith('sts:AssumeRole'));
    expect(assume).toEqual([expect.objectContaining({ accountId: OTHER, region: '*', code: 'AccessDenied' })]);
    // The disabled region is one note (the account's other region answered), not an error per call.
    expect(report.errors.filter((e) => e.accountId === THIRD)).toEqual([]);
    expect(report.notes).toContainEqual(expect.objectContaining({ accountId: THIRD, region: 'eu-west-1', message: expect.stringContaining('eu-west-1 is not enabled in account 333333333333') }));
    const targets = new Set(report.results.map((r) => `${r.accountId}/${r.region}`));
    expect([...targets].sort()).toEqual([`${ACCOUNT}/eu-west-1`, `${ACCOUNT}/us-east-1`, `${THIRD}/us-east-1`]);
    expect(report.results).toHaveLength(3 * 2 * 2);
    expect(progress.filter((p) => p === 'target-done')).toHaveLength(4);
    // AssumeRole once per account, not once per region or call.
    expect(standin.callCount('AssumeRole')).toBe(3);
  });

  it('an opt-in Region an account has not enabled is one note; STS is asked in the next Region when the first is disabled', async () => {
    for (const a of [ACCOUNT, FOURTH]) for (const r of ['us-east-1', 'af-south-1']) createNotebooks(standin, a, r, 3, `nb-${a.slice(0, 1)}`);
    standin.setRegionOptStatus(ACCOUNT, 'af-south-1', 'ENABLED');
    // FOURTH has not enabled af-south-1, the first region: its AssumeRole goes through us-east-1.
    const report = await runAudit({ accounts: [ACCOUNT, FOURTH], regions: ['af-south-1', 'us-east-1'], role: 'Auditor', controls: ['SageMaker.3'], source: 'both' }, deps());
    expect(report.errors).toEqual([]);
    expect(report.notes.filter((n) => n.message.includes('not enabled'))).toEqual([
      { accountId: FOURTH, region: 'af-south-1', message: 'af-south-1 is not enabled in account 444444444444 (an opt-in Region): nothing to audit there.' },
    ]);
    expect(report.results.filter((r) => r.accountId === FOURTH).map((r) => r.region)).toEqual(['us-east-1', 'us-east-1', 'us-east-1']);
    expect(report.results.filter((r) => r.accountId === ACCOUNT)).toHaveLength(6);
    const assumes = standin.calls.filter((c) => c.operation === 'AssumeRole');
    expect(assumes.map((c) => `${c.input.RoleArn as string} ${c.region} ${c.errorCode ?? 'ok'}`).sort()).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/Auditor af-south-1 ok`,
      `arn:aws:iam::${FOURTH}:role/Auditor af-south-1 RegionDisabledException`,
      `arn:aws:iam::${FOURTH}:role/Auditor us-east-1 ok`,
    ]);
  });

  it('without a role too: the own account is found through STS in an enabled Region, and the disabled one is a note', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 2);
    const report = await runAudit({ regions: ['af-south-1', 'us-east-1'], controls: ['SageMaker.3'] }, deps());
    expect(report.errors).toEqual([]);
    expect(report.results).toHaveLength(2);
    expect(report.notes).toContainEqual({ accountId: ACCOUNT, region: 'af-south-1', message: 'af-south-1 is not enabled in account 111111111111 (an opt-in Region): nothing to audit there.' });
  });

  it('when no Region of an account answers, a refused Region stays one error (it may be the credentials)', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 2);
    standin.failNext('ListNotebookInstances', { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid', status: 400 }, { count: 10 });
    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3', 'SageMaker.21'], source: 'sagemaker' }, deps());
    expect(report.errors).toEqual([
      {
        accountId: ACCOUNT,
        region: 'us-east-1',
        operation: 'region',
        code: 'UnrecognizedClientException',
        message: 'every call was refused with UnrecognizedClientException: us-east-1 is not enabled for the account (an opt-in Region), or the credentials are not valid there',
      },
    ]);
  });

  it('the report says where the Security Hub findings were read: member accounts see their own findings only', async () => {
    standin.setSecurityHubAdministrator(FOURTH, [ACCOUNT]);
    try {
      for (const a of [ACCOUNT, FOURTH]) {
        createNotebook(standin, a, 'us-east-1', `nb-${a.slice(0, 1)}`, { RootAccess: 'Enabled' });
        standin.addControlFinding({ accountId: a, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: standin.arn('notebook-instance', a, 'us-east-1', `nb-${a.slice(0, 1)}`) });
      }
      const report = await runAudit({ accounts: [ACCOUNT, FOURTH], regions: ['us-east-1'], role: 'Auditor', controls: ['SageMaker.3'] }, deps());
      // Each account's failure is matched by its own finding, read in its own hub (the administrator's is filtered to itself).
      expect(report.results.map((r) => [r.accountId, r.securityHub?.drift])).toEqual([
        [ACCOUNT, 'agrees'],
        [FOURTH, 'agrees'],
      ]);
      expect(report.notes.find((n) => n.message.startsWith('Security Hub findings were read'))!.message).toBe(
        "Security Hub findings were read in each audited account's own Security Hub: 1 member account(s) of administrator 444444444444 (111111111111); 1 administrator or standalone account(s) (444444444444). A member account's hub holds its own findings only.",
      );
      expect(standin.callCount('GetAdministratorAccount')).toBe(2);
    } finally {
      standin.setSecurityHubAdministrator(FOURTH, []);
    }
  });

  it('throttling on 20% of SageMaker calls still evaluates every resource', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 150);
    standin.throttleRate = 0.2;
    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3', 'SageMaker.8'], source: 'sagemaker' }, deps());
    expect(standin.throttledCount()).toBeGreaterThan(10);
    expect(report.errors).toEqual([]);
    expect(report.results).toHaveLength(300);
    expect(report.summary.byStatus.UNKNOWN).toBe(0);
  });

  it('sorts FAILED by severity, then control number, account, region, name', async () => {
    createNotebook(standin, ACCOUNT, 'us-east-1', 'b', { RootAccess: 'Enabled' });
    createNotebook(standin, ACCOUNT, 'us-east-1', 'a', { RootAccess: 'Enabled' });
    standin.invoke('CreateModel', { ModelName: 'm', PrimaryContainer: { Image: 'img' }, ExecutionRoleArn: 'arn:aws:iam::111111111111:role/x' }, { accountId: ACCOUNT, region: 'us-east-1' });
    standin.invoke('CreateEndpointConfig', { EndpointConfigName: 'ec', ProductionVariants: [{ VariantName: 'v', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }] }, { accountId: ACCOUNT, region: 'us-east-1' });
    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.4', 'SageMaker.3', 'SageMaker.21'], source: 'sagemaker' }, deps());
    const failed = report.results.filter((r) => r.status === 'FAILED').map((r) => `${r.severity} ${r.controlId} ${r.resourceName}`);
    expect(failed).toEqual(['HIGH SageMaker.3 a', 'HIGH SageMaker.3 b', 'MEDIUM SageMaker.4 ec', 'MEDIUM SageMaker.21 a', 'MEDIUM SageMaker.21 b']);
    expect(report.scope.controls).toEqual(['SageMaker.3', 'SageMaker.4', 'SageMaker.21']);
  });

  it('no accounts: the caller’s own account through STS', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 1);
    const report = await runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'] }, deps());
    expect(standin.callCount('GetCallerIdentity')).toBe(1);
    expect(report.scope.accounts).toEqual([ACCOUNT]);
    expect(report.generatedAt).toBe('2026-11-26T10:00:00.000Z');
  });

  it('rejects unknown controls and a missing region before any call', async () => {
    await expect(runAudit({ regions: ['us-east-1'], controls: ['SageMaker.99'] }, deps())).rejects.toThrow(
      new AuditRequestError('unknown control "SageMaker.99" (valid: SageMaker.1 … SageMaker.25)'),
    );
    await expect(runAudit({ regions: [] }, { ...deps(), config: testConfig({ AWS_REGION: '' }) })).rejects.toThrow(/no region/);
    expect(standin.calls).toHaveLength(0);
  });
});
