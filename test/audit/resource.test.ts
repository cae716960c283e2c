import { DeleteNotebookInstanceCommand, StopNotebookInstanceCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/engine.js';
import { auditResource } from '../../src/audit/resource.js';
import type { ResourceRef } from '../../src/aws/resources.js';
import { arnFor } from '../../src/aws/kinds/index.js';
import { seedDemoFleet } from '../support/fleet.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { ACCOUNT, callsByOperation, factoryFor, testConfig, useFakeCredentials } from './standin-helpers.js';

useFakeCredentials();
let standin: AwsStandin;
beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: 0, defaultAccountId: ACCOUNT });
  seedDemoFleet(standin, { accountId: ACCOUNT });
});
afterAll(async () => {
  await standin.close();
});

const ref = (kind: ResourceRef['kind'], name: string): ResourceRef => ({ kind, name, accountId: ACCOUNT, region: 'us-east-1', arn: arnFor(kind, name, ACCOUNT, 'us-east-1') });
const sagemaker = () => factoryFor(standin).aws({ region: 'us-east-1' }).sagemaker;

describe('auditResource: the targeted audit of one changed resource', () => {
  it('reads only that resource, and judges it exactly as the full audit does (same statuses, same fingerprint)', async () => {
    const full = await runAudit({ regions: ['us-east-1'], source: 'sagemaker' }, { config: testConfig(), clientFactory: factoryFor(standin) });
    standin.resetCounters();
    const [read, ...more] = await auditResource(ref('notebook-instance', 'research-notebook'), { sagemaker: sagemaker(), config: testConfig(), withTags: false });
    expect(more).toEqual([]);
    expect(callsByOperation(standin)).toEqual({ DescribeNotebookInstance: 1 });
    expect(read!.found).toBe(true);
    const fromFull = full.results.filter((r) => r.resourceName === 'research-notebook');
    const judged = (results: typeof fromFull) => results.map((r) => [r.controlId, r.status, r.fingerprint]).sort();
    expect(fromFull).toHaveLength(5);
    expect(judged(read!.results)).toEqual(judged(fromFull));
    expect(read!.results.filter((r) => r.status === 'FAILED').map((r) => r.controlId)).toEqual(['SageMaker.1', 'SageMaker.3', 'SageMaker.8']);
    expect(read!.tags).toBeNull();
  });

  it('reads tags only when asked (routing or approval rules on tags)', async () => {
    standin.resetCounters();
    const [read] = await auditResource(ref('notebook-instance', 'research-notebook'), { sagemaker: sagemaker(), config: testConfig(), withTags: true });
    expect(callsByOperation(standin)).toEqual({ DescribeNotebookInstance: 1, ListTags: 1 });
    expect(read!.tags).not.toBeNull();
  });

  it('a monitoring schedule that names a job definition brings the definition along', async () => {
    const reads = await auditResource(ref('monitoring-schedule', 'churn-data-quality-hourly'), { sagemaker: sagemaker(), config: testConfig(), withTags: false });
    expect(reads.map((r) => r.ref.kind)).toEqual(['monitoring-schedule', 'data-quality-job-definition']);
    expect(reads[1]!.results.filter((r) => r.status === 'FAILED').map((r) => r.controlId)).toEqual(expect.arrayContaining(['SageMaker.9', 'SageMaker.11']));
  });

  it('a resource that is gone is reported as not found; other errors are thrown', async () => {
    const ctx = { sagemaker: sagemaker(), config: testConfig(), withTags: false };
    expect(await auditResource(ref('notebook-instance', 'never-existed'), ctx)).toEqual([{ ref: ref('notebook-instance', 'never-existed'), found: false, results: [], tags: null }]);
    // A deleted notebook (Stopped first, as SageMaker requires) is gone too.
    expect((await auditResource(ref('notebook-instance', 'secure-notebook'), ctx))[0]!.found).toBe(true);
    await ctx.sagemaker.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'secure-notebook' }));
    await ctx.sagemaker.send(new DeleteNotebookInstanceCommand({ NotebookInstanceName: 'secure-notebook' }));
    expect((await auditResource(ref('notebook-instance', 'secure-notebook'), ctx))[0]!.found).toBe(false);
    standin.failNext('DescribeNotebookInstance', 'AccessDeniedException');
    await expect(auditResource(ref('notebook-instance', 'research-notebook'), ctx)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
