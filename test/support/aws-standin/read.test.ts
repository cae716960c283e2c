import {
  DescribeDataQualityJobDefinitionCommand,
  DescribeModelCommand,
  DescribeNotebookInstanceCommand,
  ListMonitoringSchedulesCommand,
  ListNotebookInstancesCommand,
  ListTagsCommand,
  SageMakerClient,
  paginateListNotebookInstances,
} from '@aws-sdk/client-sagemaker';
import { DescribeHubCommand, GetFindingsCommand, SecurityHubClient, paginateGetFindings } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' };
let standin: AwsStandin;
const sm = (region = 'us-east-1', maxAttempts = 1): SageMakerClient => new SageMakerClient({ endpoint: standin.url, region, credentials, maxAttempts });

beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: 0 });
});
afterAll(async () => {
  await standin.close();
});

const notebookInput = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  NotebookInstanceName: name,
  InstanceType: 'ml.t3.medium',
  RoleArn: 'arn:aws:iam::111111111111:role/nb',
  ...extra,
});

describe('SageMaker reads', () => {
  it('pages ListNotebookInstances over 250 notebooks with the SDK paginator', async () => {
    for (let i = 0; i < 250; i++) standin.invoke('CreateNotebookInstance', notebookInput(`page-nb-${String(i).padStart(3, '0')}`), { region: 'eu-central-1' });
    standin.resetCounters();
    const names: string[] = [];
    for await (const page of paginateListNotebookInstances({ client: sm('eu-central-1'), pageSize: 100 }, {})) {
      for (const n of page.NotebookInstances ?? []) names.push(n.NotebookInstanceName!);
    }
    expect(names).toHaveLength(250);
    expect(new Set(names).size).toBe(250);
    expect(names[0]).toBe('page-nb-000'); // default SortBy Name, Ascending
    expect(standin.callCount('ListNotebookInstances')).toBe(3);

    standin.resetCounters();
    let pages = 0;
    for await (const _ of paginateListNotebookInstances({ client: sm('eu-central-1') }, {})) pages++;
    expect(pages).toBe(25); // default MaxResults is 10
  });

  it('rejects MaxResults out of range and a bad NextToken with ValidationException', async () => {
    const err1 = await sm().send(new ListNotebookInstancesCommand({ MaxResults: 101 })).catch((e: unknown) => e);
    expect(err1).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    const err2 = await sm().send(new ListNotebookInstancesCommand({ NextToken: 'garbage' })).catch((e: unknown) => e);
    expect(err2).toMatchObject({ name: 'ValidationException' });
  });

  it('describes a notebook with the security fields and a lower-case ARN', async () => {
    await sm().send(new ListNotebookInstancesCommand({}));
    standin.invoke('CreateNotebookInstance', notebookInput('Read-NB', { DirectInternetAccess: 'Disabled', SubnetId: 'subnet-1', SecurityGroupIds: ['sg-1'], RootAccess: 'Disabled', PlatformIdentifier: 'notebook-al2-v3', KmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k', Tags: [{ Key: 'team', Value: 'ml' }] }));
    const out = await sm().send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'Read-NB' }));
    expect(out).toMatchObject({
      NotebookInstanceName: 'Read-NB',
      NotebookInstanceArn: 'arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/read-nb',
      DirectInternetAccess: 'Disabled',
      RootAccess: 'Disabled',
      SubnetId: 'subnet-1',
      PlatformIdentifier: 'notebook-al2-v3',
      InstanceType: 'ml.t3.medium',
      NotebookInstanceStatus: 'InService',
    });
    expect(out.CreationTime).toBeInstanceOf(Date);
    expect(Math.abs(out.CreationTime!.getTime() - Date.now())).toBeLessThan(60_000);
    const tags = await sm().send(new ListTagsCommand({ ResourceArn: out.NotebookInstanceArn }));
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
  });

  it('answers missing resources the way each operation does', async () => {
    const nb = await sm().send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'nope' })).catch((e: unknown) => e);
    expect(nb).toMatchObject({ name: 'ValidationException', message: 'RecordNotFound' });
    const jd = await sm().send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: 'nope' })).catch((e: unknown) => e);
    expect(jd).toMatchObject({ name: 'ResourceNotFound', $metadata: { httpStatusCode: 400 } });
    const model = await sm().send(new DescribeModelCommand({ ModelName: 'nope' })).catch((e: unknown) => e);
    expect(model).toMatchObject({ name: 'ValidationException' });
    expect((model as Error).message).toMatch(/^Could not find model/);
  });

  it('filters monitoring schedules by job definition name and type', async () => {
    const r = 'ap-south-1';
    standin.invoke('CreateDataQualityJobDefinition', {
      JobDefinitionName: 'dq1',
      DataQualityAppSpecification: { ImageUri: 'img' },
      DataQualityJobInput: { EndpointInput: { EndpointName: 'ep1', LocalPath: '/opt/ml/processing/input' } },
      DataQualityJobOutputConfig: { MonitoringOutputs: [] },
      JobResources: { ClusterConfig: { InstanceCount: 2, InstanceType: 'ml.m5.large', VolumeSizeInGB: 20 } },
      NetworkConfig: { EnableNetworkIsolation: false, EnableInterContainerTrafficEncryption: false },
      RoleArn: 'arn:aws:iam::111111111111:role/m',
    }, { region: r });
    standin.invoke('CreateMonitoringSchedule', { MonitoringScheduleName: 's1', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'dq1', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } }, { region: r });
    standin.invoke('CreateMonitoringSchedule', { MonitoringScheduleName: 's2', MonitoringScheduleConfig: { MonitoringJobDefinition: { MonitoringInputs: [{ EndpointInput: { EndpointName: 'ep2', LocalPath: '/x' } }], NetworkConfig: { EnableNetworkIsolation: true } } } }, { region: r });
    const byDef = await sm(r).send(new ListMonitoringSchedulesCommand({ MonitoringJobDefinitionName: 'dq1' }));
    expect(byDef.MonitoringScheduleSummaries?.map((s) => [s.MonitoringScheduleName, s.MonitoringType, s.EndpointName])).toEqual([['s1', 'DataQuality', 'ep1']]);
    const all = await sm(r).send(new ListMonitoringSchedulesCommand({ MonitoringTypeEquals: 'DataQuality' }));
    expect(all.MonitoringScheduleSummaries).toHaveLength(2);
    const jd = await sm(r).send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: 'dq1' }));
    expect(jd.JobResources?.ClusterConfig?.InstanceCount).toBe(2);
    expect(jd.NetworkConfig?.EnableInterContainerTrafficEncryption).toBe(false);
  });

  it('rejects requests without an Authorization header', async () => {
    const res = await fetch(standin.url, { method: 'POST', headers: { 'x-amz-target': 'SageMaker.ListModels', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });
});

describe('Security Hub', () => {
  const sh = (region = 'us-east-1', creds = credentials): SecurityHubClient => new SecurityHubClient({ endpoint: standin.url, region, credentials: creds, maxAttempts: 1 });

  it('filters findings and pages them', async () => {
    const acct = standin.defaultAccountId;
    const region = 'us-west-2';
    for (let i = 0; i < 130; i++) {
      standin.addControlFinding({ accountId: acct, region, controlId: i % 2 ? 'SageMaker.1' : 'SageMaker.3', resourceArn: standin.arn('notebook-instance', acct, region, `nb${i}`) });
    }
    standin.addControlFinding({ accountId: acct, region, controlId: 'SageMaker.1', resourceArn: 'arn:x', status: 'PASSED' });
    standin.addControlFinding({ accountId: acct, region, controlId: 'S3.1', resourceArn: 'arn:y' });
    standin.addControlFinding({ accountId: acct, region, controlId: 'SageMaker.4', resourceArn: 'arn:z', workflowStatus: 'SUPPRESSED' });
    standin.resetCounters();
    const found = [];
    for await (const page of paginateGetFindings({ client: sh(region) }, {
      Filters: {
        ComplianceSecurityControlId: [{ Comparison: 'PREFIX', Value: 'SageMaker.' }],
        ComplianceStatus: [{ Comparison: 'EQUALS', Value: 'FAILED' }],
        RecordState: [{ Comparison: 'EQUALS', Value: 'ACTIVE' }],
        WorkflowStatus: [{ Comparison: 'EQUALS', Value: 'NEW' }, { Comparison: 'EQUALS', Value: 'NOTIFIED' }],
        ProductName: [{ Comparison: 'EQUALS', Value: 'Security Hub' }],
      },
    })) {
      found.push(...(page.Findings ?? []));
    }
    expect(found).toHaveLength(130);
    expect(standin.callCount('GetFindings')).toBe(2); // default MaxResults 100
    expect(found[0]).toMatchObject({ AwsAccountId: acct, Region: region, Compliance: { Status: 'FAILED' }, Workflow: { Status: 'NEW' }, RecordState: 'ACTIVE' });
    const one = await sh(region).send(new GetFindingsCommand({ Filters: { ComplianceSecurityControlId: [{ Comparison: 'EQUALS', Value: 'SageMaker.1' }], ResourceId: [{ Comparison: 'EQUALS', Value: standin.arn('notebook-instance', acct, region, 'nb1') }] } }));
    expect(one.Findings).toHaveLength(1);
    const bad = await sh(region).send(new GetFindingsCommand({ MaxResults: 101 })).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: 'InvalidInputException' });
  });

  it('answers InvalidAccessException (401) when the hub is not enabled', async () => {
    standin.region(standin.defaultAccountId, 'sa-east-1').securityHub.enabled = false;
    const err = await sh('sa-east-1').send(new GetFindingsCommand({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InvalidAccessException', $metadata: { httpStatusCode: 401 } });
    expect((err as Error).message).toContain('is not subscribed to AWS Security Hub');
    const hub = await sh('us-east-1').send(new DescribeHubCommand({}));
    expect(hub.HubArn).toBe(`arn:aws:securityhub:us-east-1:${standin.defaultAccountId}:hub/default`);
  });
});

describe('STS', () => {
  /** A SageMaker client in eu-west-1 whose credentials come from assuming `roleArn` on the stand-in's STS. */
  const smAssuming = (roleArn: string, stsConfig: { maxAttempts?: number } = {}): SageMakerClient =>
    new SageMakerClient({
      endpoint: standin.url,
      region: 'eu-west-1',
      credentials: fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: 'audit' },
        masterCredentials: credentials,
        clientConfig: { endpoint: standin.url, region: 'eu-west-1', ...stsConfig },
      }),
    });

  it('AssumeRole credentials land calls in the role account', async () => {
    standin.invoke('CreateNotebookInstance', notebookInput('member-nb'), { accountId: '222222222222', region: 'eu-west-1' });
    const client = smAssuming('arn:aws:iam::222222222222:role/Auditor');
    standin.resetCounters();
    const out = await client.send(new ListNotebookInstancesCommand({}));
    expect(out.NotebookInstances?.map((n) => n.NotebookInstanceName)).toEqual(['member-nb']);
    expect(standin.callCount('AssumeRole', { accountId: standin.defaultAccountId })).toBe(1);
    expect(standin.callCount('ListNotebookInstances', { accountId: '222222222222', region: 'eu-west-1' })).toBe(1);

    const sts = new STSClient({ endpoint: standin.url, region: 'us-east-1', credentials });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(standin.defaultAccountId);
  });

  it('AssumeRole answers AccessDenied for a role marked not assumable', async () => {
    standin.denyAssumeRole('arn:aws:iam::333333333333:role/Auditor');
    const client = smAssuming('arn:aws:iam::333333333333:role/Auditor', { maxAttempts: 1 });
    const err = await client.send(new ListNotebookInstancesCommand({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AccessDenied' });
  });
});
