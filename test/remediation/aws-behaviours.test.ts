/**
 * What real accounts do that a happy path never shows, handled by the fixes (under the enforced generated policies):
 * an endpoint update in progress (PendingDeploymentSummary), an account quota on create (ResourceLimitExceeded), a
 * create or delete whose answer was lost and retried by the SDK (ResourceInUse / not found on the retry), and a
 * notebook instance that fails while the fix runs (Failed with FailureReason).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsStandin } from '../support/aws-standin/index.js';
import {
  ACCOUNT,
  AT,
  REGION,
  closeStandins,
  createCtxWithWorker,
  remediate,
  resetAws,
  seedDefinitionWithSchedules,
  seedEndpointConfig,
  seedNotebook,
  startStandins,
  threadTexts,
  until,
} from './harness.js';
import type { Ctx, Slack } from './harness.js';

let aws: AwsStandin;
let slack: Slack;
let ctx: Ctx;
/** A 5xx whose request took effect: the SDK retries it, the retry meets what the first attempt did. */
const lostAnswer = { code: 'InternalFailure', message: 'We encountered an internal error. Please try again.', status: 500 };

beforeAll(async () => {
  ({ aws, slack } = await startStandins(30));
});
afterAll(() => closeStandins({ aws, slack }));
beforeEach(async () => {
  resetAws(aws, 30);
  ctx = await createCtxWithWorker(aws, slack);
});
afterEach(async () => {
  await ctx.close();
});

const region = () => aws.region(ACCOUNT, REGION);
const endpoint = (name: string) => aws.invoke('DescribeEndpoint', { EndpointName: name }, AT);
const statuses = (operation: string) => aws.calls.filter((c) => c.operation === operation).map((c) => c.status);

async function endpointInService(name: string): Promise<void> {
  await until(() => endpoint(name).EndpointStatus === 'InService', 5000, `${name} InService`);
}

describe('endpoints during UpdateEndpoint (PendingDeploymentSummary)', () => {
  it('an UpdateEndpoint whose answer was lost: the retry is refused as in progress, the update pending is ours, the fix goes on', async () => {
    seedEndpointConfig(aws, 'epc-lost', ['ep-lost']);
    await endpointInService('ep-lost');
    aws.delays.endpointUpdating = 1500; // the SDK's retry lands while the first update is under way
    aws.failNext('UpdateEndpoint', lostAnswer, { afterEffect: true });
    const { finished } = await remediate(ctx, { controlId: 'SageMaker.4', resource: 'epc-lost' });
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(statuses('UpdateEndpoint')).toEqual([500, 400]);
    expect(aws.calls.find((c) => c.operation === 'UpdateEndpoint' && c.status === 400)!.errorCode).toBe('ValidationException');
    expect(endpoint('ep-lost')).toMatchObject({ EndpointConfigName: 'epc-lost-secure', EndpointStatus: 'InService' });
    expect(region().table('endpoint-config').get('epc-lost')).toBeUndefined();
  });

  it("someone else's update in progress: the fix waits it out, leaves that endpoint on its new config, and deletes the old config once unused", async () => {
    seedEndpointConfig(aws, 'epc-busy', ['ep-busy']);
    await endpointInService('ep-busy');
    aws.invoke('CreateEndpointConfig', { EndpointConfigName: 'epc-theirs', ProductionVariants: [{ VariantName: 'main', ModelName: 'epc-busy-model', InstanceType: 'ml.m5.large', InitialInstanceCount: 3 }] }, AT);
    aws.delays.endpointUpdating = 2500;
    const theirsStarted = Date.now();
    aws.invoke('UpdateEndpoint', { EndpointName: 'ep-busy', EndpointConfigName: 'epc-theirs' }, AT);
    // While it updates, the endpoint still names the old config; the one being deployed is in PendingDeploymentSummary.
    expect(endpoint('ep-busy')).toMatchObject({ EndpointStatus: 'Updating', EndpointConfigName: 'epc-busy', PendingDeploymentSummary: { EndpointConfigName: 'epc-theirs' } });
    const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.4', resource: 'epc-busy' });
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(aws.callCount('UpdateEndpoint')).toBe(0);
    expect(endpoint('ep-busy')).toMatchObject({ EndpointConfigName: 'epc-theirs', EndpointStatus: 'InService' });
    expect(region().table('endpoint-config').get('epc-busy')).toBeUndefined();
    expect(region().table('endpoint-config').get('epc-busy-secure')).toBeDefined();
    // The old config went only once that update had finished: until then the endpoint still named it.
    expect(aws.calls.find((c) => c.operation === 'DeleteEndpointConfig')!.at).toBeGreaterThanOrEqual(theirsStarted + 2500);
    expect(threadTexts(ctx, proposal).join('\n')).toContain('no endpoint uses epc-busy');
  });
});

describe('quotas and names on create and delete', () => {
  it('ResourceLimitExceeded on the copy: the fix stops, nothing is left behind, and the thread says to free or raise the quota', async () => {
    seedEndpointConfig(aws, 'epc-quota', ['ep-quota']);
    await endpointInService('ep-quota');
    aws.setQuota(ACCOUNT, REGION, 'endpoint-config', 1);
    try {
      const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.4', resource: 'epc-quota' });
      expect(finished.state).toBe('failed');
      expect(finished.failedReason).toContain('ResourceLimitExceeded');
      expect([...region().table('endpoint-config').keys()]).toEqual(['epc-quota']);
      expect(endpoint('ep-quota')).toMatchObject({ EndpointConfigName: 'epc-quota' });
      const result = threadTexts(ctx, proposal).at(-1)!;
      expect(result).toContain('ResourceLimitExceeded');
      expect(result).toContain('request an increase in Service Quotas');
    } finally {
      aws.setQuota(ACCOUNT, REGION, 'endpoint-config', undefined);
    }
  });

  it('a Create whose answer was lost: the retry meets ResourceInUse, the copy is ours with the right settings, the fix goes on', async () => {
    seedDefinitionWithSchedules(aws, 'dq-lost', ['s-lost']);
    aws.failNext('CreateDataQualityJobDefinition', lostAnswer, { afterEffect: true });
    const { finished } = await remediate(ctx, { controlId: 'SageMaker.11', resource: 'dq-lost' });
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(aws.calls.filter((c) => c.operation === 'CreateDataQualityJobDefinition').map((c) => [c.status, c.errorCode])).toEqual([
      [500, 'InternalFailure'],
      [400, 'ResourceInUse'],
    ]);
    expect([...region().table('data-quality-job-definition').keys()]).toEqual(['dq-lost-secure']);
  });

  it('a Delete whose answer was lost: the retry meets ResourceNotFound, which is done', async () => {
    seedDefinitionWithSchedules(aws, 'dq-gone', ['s-gone']);
    aws.failNext('DeleteDataQualityJobDefinition', lostAnswer, { afterEffect: true });
    const { finished } = await remediate(ctx, { controlId: 'SageMaker.11', resource: 'dq-gone' });
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(aws.calls.filter((c) => c.operation === 'DeleteDataQualityJobDefinition').map((c) => c.errorCode)).toEqual(['InternalFailure', 'ResourceNotFound']);
    expect([...region().table('data-quality-job-definition').keys()]).toEqual(['dq-gone-secure']);
  });
});

describe('a notebook instance that fails during the fix', () => {
  it('Failed with FailureReason while starting again: the fix stops, the reason is in the thread (escaped), and a person is asked to repair it', async () => {
    seedNotebook(aws, 'nb-fails');
    await until(() => aws.invoke('DescribeNotebookInstance', { NotebookInstanceName: 'nb-fails' }, AT).NotebookInstanceStatus === 'InService', 5000);
    aws.delays.notebookPending = 400;
    const running = remediate(ctx, { controlId: 'SageMaker.3', resource: 'nb-fails' });
    await until(() => aws.callCount('StartNotebookInstance') === 1, 15_000, 'the start');
    aws.failNotebook(ACCOUNT, REGION, 'nb-fails', 'ENI limit <reached> & "capacity"', { atNextTransition: true });
    const { proposal, finished } = await running;
    expect(finished.state).toBe('failed');
    expect(finished.failedReason).toContain('FailureReason: ENI limit <reached>');
    const result = threadTexts(ctx, proposal).at(-1)!;
    expect(result).toContain('ENI limit &lt;reached&gt; &amp;');
    expect(result).not.toContain('<reached>');
    expect(result).toContain('Repair the notebook');
    // RootAccess was changed (the compliant setting stays); the notebook is Failed, so it was not started again.
    expect(region().table('notebook-instance').get('nb-fails')).toMatchObject({ status: 'Failed', input: expect.objectContaining({ RootAccess: 'Disabled' }) });
    expect(result).toContain('so it was not started again');
  });
});
