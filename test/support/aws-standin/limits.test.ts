import {
  CreateDataQualityJobDefinitionCommand,
  CreateEndpointConfigCommand,
  CreateModelBiasJobDefinitionCommand,
  CreateModelCommand,
  CreateMonitoringScheduleCommand,
  CreateNotebookInstanceCommand,
  DeleteDataQualityJobDefinitionCommand,
  DeleteNotebookInstanceCommand,
  DescribeMonitoringScheduleCommand,
  SageMakerClient,
  StopNotebookInstanceCommand,
  UpdateMonitoringScheduleCommand,
} from '@aws-sdk/client-sagemaker';
import type { CreateDataQualityJobDefinitionCommandInput, CreateModelBiasJobDefinitionCommandInput } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';
import { caught, credentials, ROLE } from './testing.js';

const REGION = 'us-west-2';
let standin: AwsStandin;
let acct: string;
let client: SageMakerClient;

beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: 0 });
  acct = standin.defaultAccountId;
  client = new SageMakerClient({ endpoint: standin.url, region: REGION, credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await standin.close();
});

const notebook = (name: string): CreateNotebookInstanceCommand => new CreateNotebookInstanceCommand({ NotebookInstanceName: name, InstanceType: 'ml.t3.medium', RoleArn: ROLE });
const jobInput = { EndpointInput: { EndpointName: 'ep', LocalPath: '/opt/ml/processing/input' } };
const resources = { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large' as const, VolumeSizeInGB: 20 } };
const dq = (name: string): CreateDataQualityJobDefinitionCommandInput => ({
  JobDefinitionName: name,
  DataQualityAppSpecification: { ImageUri: 'img' },
  DataQualityJobInput: jobInput,
  DataQualityJobOutputConfig: { MonitoringOutputs: [] },
  JobResources: resources,
  RoleArn: ROLE,
});
const bias = (name: string): CreateModelBiasJobDefinitionCommandInput => ({
  JobDefinitionName: name,
  ModelBiasAppSpecification: { ImageUri: 'img', ConfigUri: 's3://b/analysis.json' },
  ModelBiasJobInput: { EndpointInput: jobInput.EndpointInput, GroundTruthS3Input: { S3Uri: 's3://b/gt' } },
  ModelBiasJobOutputConfig: { MonitoringOutputs: [] },
  JobResources: resources,
  RoleArn: ROLE,
});
const schedule = (name: string, definition: string): CreateMonitoringScheduleCommand =>
  new CreateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig: { MonitoringJobDefinitionName: definition, MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } });

describe('ResourceLimitExceeded', () => {
  it('Create* beyond a per-account/Region quota answers ResourceLimitExceeded; room made by a delete is usable again', async () => {
    standin.setQuota(acct, REGION, 'notebook-instance', 2);
    await client.send(notebook('q-1'));
    await client.send(notebook('q-2'));
    const err = await caught(client.send(notebook('q-3')));
    expect(err).toMatchObject({
      name: 'ResourceLimitExceeded',
      message: "The account-level service limit 'Total number of notebook instances' is 2 NotebookInstances, with current utilization of 2 NotebookInstances and a request delta of 1 NotebookInstances. Please contact AWS support to request an increase for this limit.",
      $metadata: { httpStatusCode: 400 },
    });
    // Another Region of the account has its own quota.
    const other = new SageMakerClient({ endpoint: standin.url, region: 'us-east-2', credentials, maxAttempts: 1 });
    await other.send(notebook('q-3'));

    await client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'q-1' }));
    await client.send(new DeleteNotebookInstanceCommand({ NotebookInstanceName: 'q-1' }));
    await client.send(notebook('q-3'));
    standin.setQuota(acct, REGION, 'notebook-instance', undefined);
    await client.send(notebook('q-4'));
  });

  it('applies to job definitions, schedules and endpoint configs; CreateAppImageConfig documents no such error', async () => {
    standin.setQuota(acct, REGION, 'data-quality-job-definition', 1);
    standin.setQuota(acct, REGION, 'monitoring-schedule', 1);
    standin.setQuota(acct, REGION, 'endpoint-config', 0);
    await client.send(new CreateDataQualityJobDefinitionCommand(dq('limit-dq')));
    const dqErr = await caught(client.send(new CreateDataQualityJobDefinitionCommand(dq('limit-dq-2'))));
    expect(dqErr).toMatchObject({ name: 'ResourceLimitExceeded' });
    expect((dqErr as Error).message).toContain("'Number of data quality job definitions' is 1 DataQualityJobDefinitions");
    await client.send(schedule('limit-s1', 'limit-dq'));
    expect(await caught(client.send(schedule('limit-s2', 'limit-dq')))).toMatchObject({ name: 'ResourceLimitExceeded' });
    await client.send(new CreateModelCommand({ ModelName: 'limit-m', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: 'img' } }));
    const cfg = await caught(client.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'limit-cfg', ProductionVariants: [{ VariantName: 'v', ModelName: 'limit-m', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }] })));
    expect(cfg).toMatchObject({ name: 'ResourceLimitExceeded' });
    expect(() => standin.setQuota(acct, REGION, 'app-image-config', 1)).toThrow(/documents no ResourceLimitExceeded/);
    for (const kind of ['data-quality-job-definition', 'monitoring-schedule', 'endpoint-config'] as const) standin.setQuota(acct, REGION, kind, undefined);
  });
});

describe('ResourceInUse where the API documents it, and not elsewhere', () => {
  it('Create*JobDefinition and CreateMonitoringSchedule answer ResourceInUse for a name in use', async () => {
    await client.send(new CreateDataQualityJobDefinitionCommand(dq('inuse-dq')));
    expect(await caught(client.send(new CreateDataQualityJobDefinitionCommand(dq('inuse-dq'))))).toMatchObject({ name: 'ResourceInUse', $metadata: { httpStatusCode: 400 } });
    await client.send(new CreateModelBiasJobDefinitionCommand(bias('inuse-bias')));
    expect(await caught(client.send(new CreateModelBiasJobDefinitionCommand(bias('inuse-bias'))))).toMatchObject({ name: 'ResourceInUse' });
    await client.send(schedule('inuse-s', 'inuse-dq'));
    expect(await caught(client.send(schedule('inuse-s', 'inuse-dq')))).toMatchObject({ name: 'ResourceInUse' });
  });

  it('undocumented cases stay as the API reference leaves them: duplicates are ValidationException, deletes of used things succeed', async () => {
    await client.send(notebook('dup-nb'));
    const nb = await caught(client.send(notebook('dup-nb')));
    expect(nb).toMatchObject({ name: 'ValidationException' });
    expect((nb as Error).message).toMatch(/^Cannot create a duplicate Notebook Instance/);

    await client.send(new CreateModelCommand({ ModelName: 'dup-m', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: 'img' } }));
    const cfgInput = { EndpointConfigName: 'dup-cfg', ProductionVariants: [{ VariantName: 'v', ModelName: 'dup-m', InstanceType: 'ml.m5.large' as const, InitialInstanceCount: 1 }] };
    await client.send(new CreateEndpointConfigCommand(cfgInput));
    const cfg = await caught(client.send(new CreateEndpointConfigCommand(cfgInput)));
    expect(cfg).toMatchObject({ name: 'ValidationException' });
    expect((cfg as Error).message).toMatch(/^Cannot create already existing endpoint configuration/);

    // DeleteDataQualityJobDefinition documents only ResourceNotFound, even for a definition a schedule uses.
    await client.send(new CreateDataQualityJobDefinitionCommand(dq('used-dq')));
    await client.send(schedule('uses-dq', 'used-dq'));
    await client.send(new DeleteDataQualityJobDefinitionCommand({ JobDefinitionName: 'used-dq' }));
    // UpdateMonitoringSchedule documents ResourceNotFound and ResourceLimitExceeded only.
    await client.send(new CreateDataQualityJobDefinitionCommand(dq('next-dq')));
    standin.forceStatus(acct, REGION, 'monitoring-schedule', 'uses-dq', 'Pending');
    await client.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: 'uses-dq', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'next-dq', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } }));
    const d = await client.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: 'uses-dq' }));
    expect(d.MonitoringScheduleConfig?.MonitoringJobDefinitionName).toBe('next-dq');
  });
});
