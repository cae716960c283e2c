import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchUpdateFindingsWorkflow, dedupeFindings, findingFilters, readFailedFindings, type SecurityHubFinding } from '../../src/aws/securityhub.js';
import { factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';

useFakeCredentials();
let standin: AwsStandin;
const A = '111111111111';

beforeAll(async () => {
  standin = await startAwsStandin();
});
afterAll(async () => {
  await standin.close();
});
afterEach(() => {
  standin.state.clear();
  standin.resetCounters();
});

const client = (region = 'us-east-1') => factoryFor(standin).aws({ region }).securityHub;
const nbArn = (n: string, region = 'us-east-1') => standin.arn('notebook-instance', A, region, n);

describe('readFailedFindings', () => {
  it('pages 100 at a time over 230 findings and keeps only ACTIVE FAILED NEW/NOTIFIED SageMaker ones of this target', async () => {
    for (let i = 0; i < 230; i++) standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: nbArn(`nb-${i}`), workflowStatus: i % 2 ? 'NEW' : 'NOTIFIED' });
    standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: nbArn('s'), workflowStatus: 'SUPPRESSED' });
    standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: nbArn('r'), workflowStatus: 'RESOLVED' });
    standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: nbArn('p'), status: 'PASSED' });
    standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: nbArn('a'), recordState: 'ARCHIVED' });
    const read = await readFailedFindings(client(), { accountId: A, region: 'us-east-1' });
    expect(read.enabled).toBe(true);
    expect(read.findings).toHaveLength(230);
    expect(read.pages).toBe(3);
    expect(standin.callCount('GetFindings')).toBe(3);
    expect(standin.calls.every((c) => c.input.MaxResults === 100)).toBe(true);
  });

  it('de-duplicates per (control, resource id lower-cased, account, region), keeping the latest', async () => {
    standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: nbArn('x'), id: 'old', updatedAt: '2026-01-01T00:00:00Z' });
    standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.3', resourceArn: nbArn('x').toUpperCase().replace('ARN:AWS:SAGEMAKER', 'arn:aws:sagemaker'), id: 'new', updatedAt: '2026-02-01T00:00:00Z' });
    const read = await readFailedFindings(client(), { accountId: A, region: 'us-east-1', controlIds: ['SageMaker.3'] });
    expect(read.findings.map((f) => f.id)).toEqual(['new']);
    const f = (id: string, region: string): SecurityHubFinding => ({ id, productArn: 'p', controlId: 'SageMaker.1', resourceId: 'R', resourceType: undefined, accountId: A, region, severity: undefined, workflowStatus: 'NEW', updatedAt: undefined });
    expect(dedupeFindings([f('1', 'us-east-1'), f('2', 'eu-west-1'), f('3', 'us-east-1')]).map((x) => x.id)).toEqual(['1', '2']);
  });

  it('filters on exact control ids when a few are selected, prefix otherwise', () => {
    expect(findingFilters({ accountId: A, region: 'r', controlIds: ['SageMaker.3'] }).ComplianceSecurityControlId).toEqual([{ Comparison: 'EQUALS', Value: 'SageMaker.3' }]);
    const all = Array.from({ length: 25 }, (_, i) => `SageMaker.${i + 1}`);
    expect(findingFilters({ accountId: A, region: 'r', controlIds: all }).ComplianceSecurityControlId).toEqual([{ Comparison: 'PREFIX', Value: 'SageMaker.' }]);
    expect(findingFilters({ accountId: A, region: 'r' }).WorkflowStatus).toEqual([
      { Comparison: 'EQUALS', Value: 'NEW' },
      { Comparison: 'EQUALS', Value: 'NOTIFIED' },
    ]);
  });

  it('Security Hub not enabled → enabled false, no error', async () => {
    standin.region(A, 'eu-west-1').securityHub.enabled = false;
    const read = await readFailedFindings(client('eu-west-1'), { accountId: A, region: 'eu-west-1' });
    expect(read).toMatchObject({ enabled: false, findings: [] });
    expect(read.error).toBeUndefined();
  });

  it('AccessDenied is an error', async () => {
    standin.region(A, 'eu-west-2').accessDenied = true;
    const read = await readFailedFindings(client('eu-west-2'), { accountId: A, region: 'eu-west-2' });
    expect(read.enabled).toBe(true);
    expect(read.error).toMatchObject({ accountId: A, region: 'eu-west-2', operation: 'securityhub:GetFindings', code: 'AccessDeniedException' });
  });
});

describe('batchUpdateFindingsWorkflow', () => {
  it('sends 100 per call and returns the unprocessed ones', async () => {
    const ids = [];
    for (let i = 0; i < 205; i++) {
      const f = standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.4', resourceArn: `arn:aws:sagemaker:us-east-1:${A}:endpoint-config/ec-${i}` });
      ids.push({ id: f.Id, productArn: f.ProductArn });
    }
    ids.push({ id: 'does-not-exist', productArn: ids[0]!.productArn });
    const out = await batchUpdateFindingsWorkflow(client(), ids, 'SUPPRESSED', { text: 'accepted: dev endpoint', updatedBy: 'sagemaker-audit' });
    expect(standin.callCount('BatchUpdateFindings')).toBe(3);
    expect(out.processed).toBe(205);
    expect(out.unprocessed).toEqual([expect.objectContaining({ id: 'does-not-exist' })]);
    const read = await readFailedFindings(client(), { accountId: A, region: 'us-east-1', workflowStatuses: ['SUPPRESSED'] });
    expect(read.findings).toHaveLength(205);
  });
});
