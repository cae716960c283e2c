import {
  CreateDataQualityJobDefinitionCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  ListModelsCommand,
  CreateNotebookInstanceCommand,
  DeleteDataQualityJobDefinitionCommand,
  DeleteNotebookInstanceCommand,
  DescribeEndpointCommand,
  DescribeMonitoringScheduleCommand,
  DescribeNotebookInstanceCommand,
  SageMakerClient,
  StartNotebookInstanceCommand,
  StopNotebookInstanceCommand,
  UpdateEndpointCommand,
  UpdateMonitoringScheduleCommand,
  UpdateNotebookInstanceCommand,
  AddTagsCommand,
  ListTagsCommand,
  DeleteTagsCommand,
  waitUntilNotebookInstanceStopped,
  waitUntilNotebookInstanceInService,
  waitUntilNotebookInstanceDeleted,
} from '@aws-sdk/client-sagemaker';
import type { CreateDataQualityJobDefinitionCommandInput } from '@aws-sdk/client-sagemaker';
import { BatchUpdateFindingsCommand, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';
import { caught } from './testing.js';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' };
let standin: AwsStandin;
const sm = (maxAttempts = 1): SageMakerClient => new SageMakerClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Transitions are computed from the stand-in's clock: a long delay plus `advance()` makes intermediate states
// observable without racing real time on a loaded machine.
const DELAY = 60_000;
let offset = 0;
const advance = (ms = DELAY): void => {
  offset += ms;
};
beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: DELAY, now: () => Date.now() + offset });
});
afterAll(async () => {
  await standin.close();
});
afterEach(() => {
  standin.setTransitionDelay(DELAY);
  standin.clearFaults();
});

const dq = (name: string): CreateDataQualityJobDefinitionCommandInput => ({
  JobDefinitionName: name,
  DataQualityAppSpecification: { ImageUri: '123.dkr.ecr.us-east-1.amazonaws.com/mm:latest' },
  DataQualityBaselineConfig: { ConstraintsResource: { S3Uri: 's3://b/constraints.json' } },
  DataQualityJobInput: { EndpointInput: { EndpointName: 'ep', LocalPath: '/opt/ml/processing/input' } },
  DataQualityJobOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: 's3://b/out', LocalPath: '/opt/ml/processing/output' } }] },
  JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 20 } },
  NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true, VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1'] } },
  RoleArn: 'arn:aws:iam::111111111111:role/monitor',
  StoppingCondition: { MaxRuntimeInSeconds: 1800 },
  Tags: [{ Key: 'team', Value: 'ml' }],
});

describe('notebook state machine', () => {
  it('Pending -> InService -> Stopping -> Stopped -> Updating -> Stopped -> Pending -> InService, with waiters', async () => {
    const client = sm();
    const waiter = { client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 };
    const status = async (): Promise<string | undefined> => (await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb' }))).NotebookInstanceStatus;
    await client.send(new CreateNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb', InstanceType: 'ml.t3.medium', RoleArn: 'arn:aws:iam::111111111111:role/nb' }));
    const d0 = await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb' }));
    expect(d0.NotebookInstanceStatus).toBe('Pending');
    const early = await caught(client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb' })));
    expect(early).toMatchObject({ name: 'ValidationException', message: `Status (Pending) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance (${d0.NotebookInstanceArn})` });

    // The waiter polls while Pending, then succeeds once the clock passes the transition.
    standin.resetCounters();
    const inService = waitUntilNotebookInstanceInService(waiter, { NotebookInstanceName: 'sm-nb' });
    await sleep(150);
    advance();
    await inService;
    expect(standin.callCount('DescribeNotebookInstance')).toBeGreaterThanOrEqual(2);

    const upd = await caught(client.send(new UpdateNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb', RootAccess: 'Disabled' })));
    expect(upd).toMatchObject({ name: 'ValidationException' });
    expect((upd as Error).message).toContain('Unable to transition to (Updating)');
    const del = await caught(client.send(new DeleteNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb' })));
    expect((del as Error).message).toContain('Unable to transition to (Deleting)');

    await client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb' }));
    expect(await status()).toBe('Stopping');
    const stopped = waitUntilNotebookInstanceStopped(waiter, { NotebookInstanceName: 'sm-nb' });
    await sleep(150);
    advance();
    expect((await stopped).state).toBe('SUCCESS');

    await client.send(new UpdateNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb', RootAccess: 'Disabled', PlatformIdentifier: 'notebook-al2023-v1' }));
    const d1 = await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb' }));
    expect(d1).toMatchObject({ NotebookInstanceStatus: 'Updating', RootAccess: 'Disabled', PlatformIdentifier: 'notebook-al2023-v1' });
    advance();
    expect(await status()).toBe('Stopped');
    await client.send(new StartNotebookInstanceCommand({ NotebookInstanceName: 'sm-nb' }));
    expect(await status()).toBe('Pending');
    advance();
    expect(await status()).toBe('InService');
  });

  it('transitions also complete in real time with a short delay', async () => {
    standin.setTransitionDelay(20);
    const client = sm();
    await client.send(new CreateNotebookInstanceCommand({ NotebookInstanceName: 'quick-nb', InstanceType: 'ml.t3.medium', RoleArn: 'arn:aws:iam::111111111111:role/nb' }));
    await waitUntilNotebookInstanceInService({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 }, { NotebookInstanceName: 'quick-nb' });
    await client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'quick-nb' }));
    const r = await waitUntilNotebookInstanceStopped({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 }, { NotebookInstanceName: 'quick-nb' });
    expect(r.state).toBe('SUCCESS');
  });

  it('Failed: cannot stop, can start or delete; the Stopped waiter fails on Failed', async () => {
    standin.setTransitionDelay(0);
    const client = sm();
    await client.send(new CreateNotebookInstanceCommand({ NotebookInstanceName: 'broken-nb', InstanceType: 'ml.t3.medium', RoleArn: 'arn:aws:iam::111111111111:role/nb' }));
    standin.failNotebook(standin.defaultAccountId, 'us-east-1', 'broken-nb', 'Lifecycle script failed');
    const d = await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'broken-nb' }));
    expect(d).toMatchObject({ NotebookInstanceStatus: 'Failed', FailureReason: 'Lifecycle script failed' });
    const stop = await caught(client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'broken-nb' })));
    expect((stop as Error).message).toMatch(/^Status \(Failed\) not in \(\[InService\]\)/);
    const w = await caught(waitUntilNotebookInstanceStopped({ client, maxWaitTime: 2, minDelay: 0.05, maxDelay: 0.1 }, { NotebookInstanceName: 'broken-nb' }));
    expect(w).toBeInstanceOf(Error);
    await client.send(new DeleteNotebookInstanceCommand({ NotebookInstanceName: 'broken-nb' }));
    await waitUntilNotebookInstanceDeleted({ client, maxWaitTime: 2, minDelay: 0.05, maxDelay: 0.1 }, { NotebookInstanceName: 'broken-nb' });
    const gone = await caught(client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'broken-nb' })));
    expect(gone).toMatchObject({ name: 'ValidationException', message: 'RecordNotFound' });
  });

  it('Start is only accepted from Stopped or Failed', async () => {
    standin.setTransitionDelay(0);
    await sm().send(new CreateNotebookInstanceCommand({ NotebookInstanceName: 'running-nb', InstanceType: 'ml.t3.medium', RoleArn: 'arn:aws:iam::111111111111:role/nb' }));
    const err = await caught(sm().send(new StartNotebookInstanceCommand({ NotebookInstanceName: 'running-nb' })));
    expect((err as Error).message).toMatch(/^Status \(InService\) not in \(\[Stopped, Failed\]\)\. Unable to transition to \(Pending\)/);
  });
});

describe('job definitions, schedules, endpoints, tags', () => {
  it('creates, describes with full fidelity, rejects duplicates, deletes and 404s', async () => {
    const client = sm();
    const created = await client.send(new CreateDataQualityJobDefinitionCommand(dq('dq-a')));
    expect(created.JobDefinitionArn).toBe(`arn:aws:sagemaker:us-east-1:${standin.defaultAccountId}:data-quality-job-definition/dq-a`);
    const dup = await caught(client.send(new CreateDataQualityJobDefinitionCommand(dq('dq-a'))));
    expect(dup).toMatchObject({ name: 'ResourceInUse' });
    const tags = await client.send(new ListTagsCommand({ ResourceArn: created.JobDefinitionArn }));
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
    await client.send(new AddTagsCommand({ ResourceArn: created.JobDefinitionArn, Tags: [{ Key: 'owner', Value: 'x' }] }));
    await client.send(new DeleteTagsCommand({ ResourceArn: created.JobDefinitionArn, TagKeys: ['team'] }));
    expect((await client.send(new ListTagsCommand({ ResourceArn: created.JobDefinitionArn }))).Tags).toEqual([{ Key: 'owner', Value: 'x' }]);
    await client.send(new DeleteDataQualityJobDefinitionCommand({ JobDefinitionName: 'dq-a' }));
    const again = await caught(client.send(new DeleteDataQualityJobDefinitionCommand({ JobDefinitionName: 'dq-a' })));
    expect(again).toMatchObject({ name: 'ResourceNotFound' });
  });

  it('UpdateMonitoringSchedule validates the definition, goes Pending then Scheduled', async () => {
    const client = sm();
    await client.send(new CreateDataQualityJobDefinitionCommand(dq('dq-old')));
    await client.send(new CreateDataQualityJobDefinitionCommand(dq('dq-new')));
    standin.invoke('CreateMonitoringSchedule', { MonitoringScheduleName: 'sched', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'dq-old', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } });
    const bad = await caught(client.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: 'sched', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'missing', MonitoringType: 'DataQuality' } })));
    expect(bad).toMatchObject({ name: 'ValidationException' });
    const missing = await caught(client.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: 'nope' })));
    expect(missing).toMatchObject({ name: 'ResourceNotFound' });
    advance();
    await client.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: 'sched', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'dq-new', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } }));
    const d1 = await client.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: 'sched' }));
    expect(d1).toMatchObject({ MonitoringScheduleStatus: 'Pending', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'dq-new' }, EndpointName: 'ep' });
    advance();
    expect((await client.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: 'sched' }))).MonitoringScheduleStatus).toBe('Scheduled');
  });

  it('UpdateEndpoint: Updating -> InService with the new config; missing config is a ValidationException', async () => {
    const client = sm();
    await client.send(new CreateModelCommand({ ModelName: 'm1', ExecutionRoleArn: 'arn:aws:iam::111111111111:role/m', PrimaryContainer: { Image: 'img', ImageConfig: { RepositoryAccessMode: 'Platform' } } }));
    await client.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'cfg1', ProductionVariants: [{ VariantName: 'v', ModelName: 'm1', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }] }));
    await client.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'cfg2', ProductionVariants: [{ VariantName: 'v', ModelName: 'm1', InstanceType: 'ml.m5.large', InitialInstanceCount: 2 }] }));
    standin.setTransitionDelay(0);
    standin.invoke('CreateEndpoint', { EndpointName: 'ep1', EndpointConfigName: 'cfg1' });
    standin.setTransitionDelay(DELAY);
    const bad = await caught(client.send(new UpdateEndpointCommand({ EndpointName: 'ep1', EndpointConfigName: 'nope' })));
    expect(bad).toMatchObject({ name: 'ValidationException' });
    await client.send(new UpdateEndpointCommand({ EndpointName: 'ep1', EndpointConfigName: 'cfg2' }));
    expect(await client.send(new DescribeEndpointCommand({ EndpointName: 'ep1' }))).toMatchObject({ EndpointStatus: 'Updating', EndpointConfigName: 'cfg1' });
    advance();
    expect(await client.send(new DescribeEndpointCommand({ EndpointName: 'ep1' }))).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'cfg2' });
  });
});

describe('fault injection and counters', () => {
  it('throttles deterministically and the SDK retries through it', async () => {
    const run = async (): Promise<number> => {
      const s = await startAwsStandin({ throttleRate: 0.3, seed: 42 });
      const client = new SageMakerClient({ endpoint: s.url, region: 'us-east-1', credentials, maxAttempts: 10 });
      for (let i = 0; i < 10; i++) await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'x' })).catch((e: unknown) => {
        if ((e as Error).name !== 'ValidationException') throw e;
      });
      const throttled = s.throttledCount();
      expect(s.callCount('DescribeNotebookInstance')).toBe(10 + throttled);
      await s.close();
      return throttled;
    };
    const a = await run();
    const b = await run();
    expect(a).toBeGreaterThan(0);
    expect(a).toBe(b);
  });

  it('surfaces ThrottlingException with maxAttempts 1', async () => {
    standin.failNext('ListModels', { code: 'ThrottlingException', message: 'Rate exceeded' }, { count: 1 });
    const err = await caught(sm().send(new ListModelsCommand({})));
    expect(err).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
  });

  it('failNext only hits matching calls, the requested number of times', async () => {
    standin.failNext('DescribeNotebookInstance', 'InternalFailure', { count: 2, match: (input) => input.NotebookInstanceName === 'target' });
    const other = await caught(sm().send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'other' })));
    expect(other).toMatchObject({ name: 'ValidationException' });
    for (let i = 0; i < 2; i++) expect(await caught(sm().send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'target' })))).toMatchObject({ name: 'InternalFailure' });
    expect(await caught(sm().send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'target' })))).toMatchObject({ name: 'ValidationException' });
  });

  it('afterEffect: the call takes effect and answers the error; the SDK retries it and meets its own effect', async () => {
    standin.failNext('CreateModel', { code: 'InternalFailure', message: 'We encountered an internal error.', status: 500 }, { afterEffect: true });
    const once = await caught(sm().send(new CreateModelCommand({ ModelName: 'lost-answer', PrimaryContainer: { Image: 'img' } })));
    expect(once).toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    expect(standin.region(standin.defaultAccountId, 'us-east-1').table('model').get('lost-answer')).toBeDefined();
    standin.failNext('CreateModel', { code: 'InternalFailure', status: 500 }, { afterEffect: true });
    const retried = new SageMakerClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 2 });
    const again = await caught(retried.send(new CreateModelCommand({ ModelName: 'lost-twice', PrimaryContainer: { Image: 'img' } })));
    expect(again).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Cannot create already existing model'), $metadata: { attempts: 2 } });
  });

  it('accessDenied and regionDisabled per account/region', async () => {
    standin.region(standin.defaultAccountId, 'eu-north-1').accessDenied = true;
    standin.region(standin.defaultAccountId, 'me-central-1').regionDisabled = true;
    const at = (region: string): SageMakerClient => new SageMakerClient({ endpoint: standin.url, region, credentials, maxAttempts: 1 });
    const denied = await caught(at('eu-north-1').send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'x' })));
    expect(denied).toMatchObject({ name: 'AccessDeniedException' });
    const disabled = await caught(at('me-central-1').send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'x' })));
    expect(disabled).toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid', $metadata: { httpStatusCode: 400 } });
    expect(standin.callsByAccountRegion()[`${standin.defaultAccountId}/me-central-1`]).toBeGreaterThan(0);
  });
});

describe('Security Hub BatchUpdateFindings', () => {
  it('updates workflow and note, reports unknown findings as unprocessed, caps at 100', async () => {
    const sh = new SecurityHubClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const f = standin.addControlFinding({ accountId: standin.defaultAccountId, region: 'us-east-1', controlId: 'SageMaker.4', resourceArn: 'arn:aws:sagemaker:us-east-1:111111111111:endpoint-config/dev' });
    const out = await sh.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [{ Id: f.Id, ProductArn: f.ProductArn }, { Id: 'missing', ProductArn: f.ProductArn }], Workflow: { Status: 'SUPPRESSED' }, Note: { Text: 'dev endpoint', UpdatedBy: 'bot' } }));
    expect(out.ProcessedFindings).toEqual([{ Id: f.Id, ProductArn: f.ProductArn }]);
    expect(out.UnprocessedFindings).toMatchObject([{ FindingIdentifier: { Id: 'missing' }, ErrorCode: 'FindingNotFound' }]);
    const after = await sh.send(new GetFindingsCommand({ Filters: { Id: [{ Comparison: 'EQUALS', Value: f.Id }] } }));
    expect(after.Findings?.[0]).toMatchObject({ Workflow: { Status: 'SUPPRESSED' }, Note: { Text: 'dev endpoint', UpdatedBy: 'bot' }, UpdatedAt: f.UpdatedAt });
    const tooMany = await caught(sh.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: Array.from({ length: 101 }, (_, i) => ({ Id: String(i), ProductArn: 'p' })), Workflow: { Status: 'SUPPRESSED' } })));
    expect(tooMany).toMatchObject({ name: 'InvalidInputException' });
  });
});
