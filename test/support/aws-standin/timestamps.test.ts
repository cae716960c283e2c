import {
  AddTagsCommand,
  CreateModelCommand,
  DeleteModelCommand,
  DescribeFeatureGroupCommand,
  DescribeModelCommand,
  DescribeNotebookInstanceCommand,
  ListAppImageConfigsCommand,
  ListFeatureGroupsCommand,
  ListImagesCommand,
  ListInferenceExperimentsCommand,
  ListModelsCommand,
  ListMonitoringSchedulesCommand,
  ListNotebookInstancesCommand,
  SageMakerClient,
  StartMonitoringScheduleCommand,
  StartNotebookInstanceCommand,
  StopMonitoringScheduleCommand,
  StopNotebookInstanceCommand,
  UpdateAppImageConfigCommand,
  UpdateFeatureGroupCommand,
  UpdateImageCommand,
  UpdateInferenceExperimentCommand,
  UpdateMonitoringScheduleCommand,
  UpdateNotebookInstanceCommand,
  paginateListNotebookInstances,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin, Json } from './index.js';
import { startAwsStandin } from './index.js';
import { caught, credentials, ROLE } from './testing.js';

const DELAY = 60_000;

// A frozen clock: nothing changes unless the test moves time, so every timestamp below is exact.
let t = Date.UTC(2026, 0, 5, 9, 0, 0);
const advance = (ms: number): number => (t += ms);
let standin: AwsStandin;
let acct: string;
const sm = (region: string): SageMakerClient => new SageMakerClient({ endpoint: standin.url, region, credentials, maxAttempts: 1 });

beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: DELAY, now: () => t });
  acct = standin.defaultAccountId;
});
afterAll(async () => {
  await standin.close();
});

/** One resource of every kind the stand-in lists, through its own Create handlers. */
function createOneOfEach(region: string): void {
  const at = { region };
  standin.invoke('CreateNotebookInstance', { NotebookInstanceName: 'nb', InstanceType: 'ml.t3.medium', RoleArn: ROLE }, at);
  for (const family of ['DataQuality', 'ModelQuality', 'ModelBias', 'ModelExplainability']) {
    standin.invoke(`Create${family}JobDefinition`, {
      JobDefinitionName: `${family.toLowerCase()}-def`,
      [`${family}AppSpecification`]: { ImageUri: 'img' },
      [`${family}JobInput`]: { EndpointInput: { EndpointName: 'ep', LocalPath: '/opt/ml/processing/input' } },
      [`${family}JobOutputConfig`]: { MonitoringOutputs: [] },
      JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 20 } },
      RoleArn: ROLE,
    }, at);
  }
  standin.invoke('CreateMonitoringSchedule', { MonitoringScheduleName: 'sched', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'dataquality-def', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } }, at);
  standin.invoke('CreateModel', { ModelName: 'model', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: 'img' } }, at);
  standin.invoke('CreateEndpointConfig', { EndpointConfigName: 'cfg', ProductionVariants: [{ VariantName: 'v', ModelName: 'model', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }] }, at);
  standin.invoke('CreateEndpoint', { EndpointName: 'ep', EndpointConfigName: 'cfg' }, at);
  standin.invoke('CreateFeatureGroup', { FeatureGroupName: 'fg', RecordIdentifierFeatureName: 'id', EventTimeFeatureName: 'ts', FeatureDefinitions: [{ FeatureName: 'id', FeatureType: 'String' }, { FeatureName: 'ts', FeatureType: 'String' }], OfflineStoreConfig: { S3StorageConfig: { S3Uri: 's3://b/fg' } } }, at);
  standin.invoke('CreateInferenceExperiment', { Name: 'exp', Type: 'ShadowMode', RoleArn: ROLE, EndpointName: 'ep', ModelVariants: [{ ModelName: 'model', VariantName: 'v', InfrastructureConfig: { InfrastructureType: 'RealTimeInference', RealTimeInferenceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1 } } }], ShadowModeConfig: { SourceModelVariantName: 'v', ShadowModelVariants: [{ ShadowModelVariantName: 'v', SamplingPercentage: 10 }] } }, at);
  standin.invoke('CreateAppImageConfig', { AppImageConfigName: 'aic', KernelGatewayImageConfig: { KernelSpecs: [{ Name: 'python3' }] } }, at);
  standin.invoke('CreateImage', { ImageName: 'image', RoleArn: ROLE, DisplayName: 'Image' }, at);
}

// Members of each summary shape in the SageMaker service model (botocore data/sagemaker/2017-07-24/service-2.json).
const TIMESTAMPS = ['CreationTime', 'LastModifiedTime'];
const SUMMARIES: Array<{ operation: string; key: string; members: string[]; lastModified: boolean }> = [
  { operation: 'ListNotebookInstances', key: 'NotebookInstances', lastModified: true, members: ['NotebookInstanceName', 'NotebookInstanceArn', 'NotebookInstanceStatus', 'Url', 'InstanceType', ...TIMESTAMPS, 'NotebookInstanceLifecycleConfigName', 'DefaultCodeRepository', 'AdditionalCodeRepositories'] },
  ...['DataQuality', 'ModelQuality', 'ModelBias', 'ModelExplainability'].map((f) => ({ operation: `List${f}JobDefinitions`, key: 'JobDefinitionSummaries', lastModified: false, members: ['MonitoringJobDefinitionName', 'MonitoringJobDefinitionArn', 'CreationTime', 'EndpointName'] })),
  { operation: 'ListMonitoringSchedules', key: 'MonitoringScheduleSummaries', lastModified: true, members: ['MonitoringScheduleName', 'MonitoringScheduleArn', ...TIMESTAMPS, 'MonitoringScheduleStatus', 'EndpointName', 'MonitoringJobDefinitionName', 'MonitoringType'] },
  { operation: 'ListModels', key: 'Models', lastModified: false, members: ['ModelName', 'ModelArn', 'CreationTime'] },
  { operation: 'ListEndpointConfigs', key: 'EndpointConfigs', lastModified: false, members: ['EndpointConfigName', 'EndpointConfigArn', 'CreationTime'] },
  { operation: 'ListEndpoints', key: 'Endpoints', lastModified: true, members: ['EndpointName', 'EndpointArn', ...TIMESTAMPS, 'EndpointStatus'] },
  { operation: 'ListFeatureGroups', key: 'FeatureGroupSummaries', lastModified: false, members: ['FeatureGroupName', 'FeatureGroupArn', 'CreationTime', 'FeatureGroupStatus', 'OfflineStoreStatus'] },
  { operation: 'ListInferenceExperiments', key: 'InferenceExperiments', lastModified: true, members: ['Name', 'Type', 'Schedule', 'Status', 'StatusReason', 'Description', ...TIMESTAMPS, 'CompletionTime', 'RoleArn'] },
  { operation: 'ListAppImageConfigs', key: 'AppImageConfigs', lastModified: true, members: ['AppImageConfigArn', 'AppImageConfigName', ...TIMESTAMPS, 'KernelGatewayImageConfig', 'JupyterLabAppImageConfig', 'CodeEditorAppImageConfig'] },
  { operation: 'ListImages', key: 'Images', lastModified: true, members: ['CreationTime', 'Description', 'DisplayName', 'FailureReason', 'ImageArn', 'ImageName', 'ImageStatus', 'LastModifiedTime'] },
];

describe('List summaries', () => {
  it('carry exactly the members of the API summary: CreationTime always, LastModifiedTime only where defined', async () => {
    const region = 'eu-west-3';
    createOneOfEach(region);
    for (const s of SUMMARIES) {
      // The wire JSON (the SDK would silently drop members its model does not know).
      const wire = JSON.parse(JSON.stringify(standin.invoke(s.operation, {}, { region }))) as Json;
      const items = wire[s.key] as Json[];
      expect(items, s.operation).toHaveLength(1);
      const keys = Object.keys(items[0]!);
      expect(s.members, s.operation).toEqual(expect.arrayContaining(keys));
      expect(keys, s.operation).toContain('CreationTime');
      expect(keys.includes('LastModifiedTime'), s.operation).toBe(s.lastModified);
      expect(items[0]!.CreationTime, s.operation).toBe(t / 1000);
    }
    // Through the SDK the timestamps are Dates of the stand-in's clock.
    const images = await sm(region).send(new ListImagesCommand({}));
    expect(images.Images?.[0]?.CreationTime?.getTime()).toBe(t);
    expect(images.Images?.[0]?.LastModifiedTime?.getTime()).toBe(t);
  });
});

describe('LastModifiedTime', () => {
  const region = 'eu-west-2';
  const nbSummary = async (): Promise<{ created: number; modified: number; status?: string }> => {
    const out = await sm(region).send(new ListNotebookInstancesCommand({ NameContains: 'lm-nb' }));
    const n = out.NotebookInstances![0]!;
    return { created: n.CreationTime!.getTime(), modified: n.LastModifiedTime!.getTime(), status: n.NotebookInstanceStatus };
  };

  it('notebook: each API change and each completed transition advances it; AddTags does not', async () => {
    const created = t;
    standin.invoke('CreateNotebookInstance', { NotebookInstanceName: 'lm-nb', InstanceType: 'ml.t3.medium', RoleArn: ROLE }, { region });
    expect(await nbSummary()).toEqual({ created, modified: created, status: 'Pending' });
    advance(DELAY);
    expect(await nbSummary()).toEqual({ created, modified: created + DELAY, status: 'InService' });

    // AWS does not document that tagging modifies the resource; the stand-in does not bump on AddTags.
    advance(1000);
    const arn = standin.arn('notebook-instance', acct, region, 'lm-nb');
    await sm(region).send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v' }] }));
    expect((await nbSummary()).modified).toBe(created + DELAY);

    const stopAt = advance(1000);
    await sm(region).send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'lm-nb' }));
    expect(await nbSummary()).toMatchObject({ modified: stopAt, status: 'Stopping' });
    advance(DELAY);
    expect(await nbSummary()).toMatchObject({ modified: stopAt + DELAY, status: 'Stopped' });

    const updateAt = advance(1000);
    await sm(region).send(new UpdateNotebookInstanceCommand({ NotebookInstanceName: 'lm-nb', RootAccess: 'Disabled' }));
    expect(await nbSummary()).toMatchObject({ modified: updateAt, status: 'Updating' });
    advance(DELAY);
    const startAt = advance(1000);
    await sm(region).send(new StartNotebookInstanceCommand({ NotebookInstanceName: 'lm-nb' }));
    expect(await nbSummary()).toMatchObject({ created, modified: startAt, status: 'Pending' });

    // Two changes in the same millisecond still give two different LastModifiedTime values.
    advance(DELAY);
    const before = (await nbSummary()).modified;
    standin.modify(acct, region, 'notebook-instance', 'lm-nb', { VolumeSizeInGB: 10 });
    const once = (await nbSummary()).modified;
    standin.modify(acct, region, 'notebook-instance', 'lm-nb', { VolumeSizeInGB: 20 });
    const twice = (await nbSummary()).modified;
    expect(once).toBeGreaterThan(before);
    expect(twice).toBeGreaterThan(once);

    // The LastModifiedTimeAfter filter sees the change.
    const since = await sm(region).send(new ListNotebookInstancesCommand({ LastModifiedTimeAfter: new Date(before) }));
    expect(since.NotebookInstances?.map((n) => n.NotebookInstanceName)).toEqual(['lm-nb']);
    const none = await sm(region).send(new ListNotebookInstancesCommand({ LastModifiedTimeAfter: new Date(twice) }));
    expect(none.NotebookInstances).toEqual([]);
  });

  it('every Update*/Start/Stop of the other kinds that have it advances it', async () => {
    const r = 'ca-central-1';
    createOneOfEach(r);
    const c = sm(r);
    const step = (): number => advance(1000);
    // Let the endpoint and the schedule settle first.
    advance(DELAY);

    const schedule = async (): Promise<[number, string | undefined]> => {
      const s = (await c.send(new ListMonitoringSchedulesCommand({}))).MonitoringScheduleSummaries![0]!;
      return [s.LastModifiedTime!.getTime(), s.MonitoringScheduleStatus];
    };
    let at = step();
    await c.send(new StopMonitoringScheduleCommand({ MonitoringScheduleName: 'sched' }));
    expect(await schedule()).toEqual([at, 'Stopped']);
    at = step();
    await c.send(new StartMonitoringScheduleCommand({ MonitoringScheduleName: 'sched' }));
    expect(await schedule()).toEqual([at, 'Scheduled']);
    at = step();
    await c.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: 'sched', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'dataquality-def', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 0 ? * * *)' } } }));
    expect(await schedule()).toEqual([at, 'Pending']);

    at = step();
    await c.send(new UpdateAppImageConfigCommand({ AppImageConfigName: 'aic', KernelGatewayImageConfig: { KernelSpecs: [{ Name: 'python3', DisplayName: 'Py' }] } }));
    const aic = (await c.send(new ListAppImageConfigsCommand({ ModifiedTimeAfter: new Date(at - 1) }))).AppImageConfigs!;
    expect(aic.map((a) => [a.LastModifiedTime?.getTime(), a.KernelGatewayImageConfig?.KernelSpecs?.[0]?.DisplayName])).toEqual([[at, 'Py']]);
    expect((await c.send(new ListAppImageConfigsCommand({ ModifiedTimeAfter: new Date(at) }))).AppImageConfigs).toEqual([]);

    at = step();
    await c.send(new UpdateImageCommand({ ImageName: 'image', Description: 'new', DeleteProperties: ['DisplayName'] }));
    const image = (await c.send(new ListImagesCommand({}))).Images![0]!;
    expect([image.LastModifiedTime?.getTime(), image.Description, image.DisplayName]).toEqual([at, 'new', undefined]);

    at = step();
    await c.send(new UpdateInferenceExperimentCommand({ Name: 'exp', Description: 'longer' }));
    const exp = (await c.send(new ListInferenceExperimentsCommand({}))).InferenceExperiments![0]!;
    expect([exp.LastModifiedTime?.getTime(), exp.Description]).toEqual([at, 'longer']);
    standin.forceStatus(acct, r, 'inference-experiment', 'exp', 'Completed');
    const conflict = await caught(c.send(new UpdateInferenceExperimentCommand({ Name: 'exp', Description: 'again' })));
    expect(conflict).toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 400 } });

    // Feature groups: Describe has LastModifiedTime, the List summary does not.
    at = step();
    await c.send(new UpdateFeatureGroupCommand({ FeatureGroupName: 'fg', FeatureAdditions: [{ FeatureName: 'score', FeatureType: 'Fractional' }] }));
    const fg = await c.send(new DescribeFeatureGroupCommand({ FeatureGroupName: 'fg' }));
    expect([fg.LastModifiedTime?.getTime(), fg.FeatureDefinitions?.map((f) => f.FeatureName), fg.LastUpdateStatus?.Status]).toEqual([at, ['id', 'ts', 'score'], 'Successful']);
    expect((await c.send(new ListFeatureGroupsCommand({ OfflineStoreStatusEquals: 'Active' }))).FeatureGroupSummaries?.map((f) => f.FeatureGroupName)).toEqual(['fg']);
    expect((await c.send(new ListFeatureGroupsCommand({ OfflineStoreStatusEquals: 'Disabled' }))).FeatureGroupSummaries).toEqual([]);
  });
});

describe('CreationTime and changes behind a cache', () => {
  const region = 'sa-east-1';

  it('a deleted and re-created name gets a new CreationTime, even within the same millisecond', async () => {
    const c = sm(region);
    const input = { ModelName: 'again', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: 'img' } };
    await c.send(new CreateModelCommand(input));
    const first = (await c.send(new ListModelsCommand({}))).Models![0]!.CreationTime!.getTime();
    await c.send(new DeleteModelCommand({ ModelName: 'again' }));
    await c.send(new CreateModelCommand(input));
    const second = (await c.send(new ListModelsCommand({}))).Models![0]!.CreationTime!.getTime();
    expect(second).toBeGreaterThan(first);
  });

  it('modify() changes what Describe shows; List shows it only where the kind has LastModifiedTime', async () => {
    const c = sm(region);
    standin.invoke('CreateNotebookInstance', { NotebookInstanceName: 'cached-nb', InstanceType: 'ml.t3.medium', RoleArn: ROLE, RootAccess: 'Disabled' }, { region });
    advance(DELAY);
    const listed = async (): Promise<number> => {
      const pages = paginateListNotebookInstances({ client: c }, { NameContains: 'cached-nb' });
      for await (const p of pages) return p.NotebookInstances![0]!.LastModifiedTime!.getTime();
      throw new Error('not listed');
    };
    const seen = await listed();
    advance(5);
    standin.modify(acct, region, 'notebook-instance', 'cached-nb', { RootAccess: 'Enabled' });
    expect(await listed()).toBe(seen + 5);
    expect((await c.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'cached-nb' }))).RootAccess).toBe('Enabled');

    // A model has no LastModifiedTime: only a fresh Describe reveals the change.
    await c.send(new CreateModelCommand({ ModelName: 'cached-model', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: 'img' }, EnableNetworkIsolation: true }));
    const before = (await c.send(new ListModelsCommand({ NameContains: 'cached-model' }))).Models![0]!;
    standin.modify(acct, region, 'model', 'cached-model', { EnableNetworkIsolation: undefined });
    const after = (await c.send(new ListModelsCommand({ NameContains: 'cached-model' }))).Models![0]!;
    expect(after).toEqual(before);
    expect((await c.send(new DescribeModelCommand({ ModelName: 'cached-model' }))).EnableNetworkIsolation).toBe(false);
    expect(() => standin.modify(acct, region, 'model', 'missing', {})).toThrow(/no model missing/);
  });
});

describe('notebook Failed', () => {
  it('a start that fails goes Pending -> Failed with FailureReason; Start from Failed clears it', async () => {
    const region = 'ap-south-1';
    const c = sm(region);
    standin.invoke('CreateNotebookInstance', { NotebookInstanceName: 'flaky', InstanceType: 'ml.t3.medium', RoleArn: ROLE }, { region });
    advance(DELAY);
    await c.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'flaky' }));
    advance(DELAY);
    await c.send(new StartNotebookInstanceCommand({ NotebookInstanceName: 'flaky' }));
    standin.failNotebook(acct, region, 'flaky', 'Lifecycle config on-start failed', { atNextTransition: true });
    expect(await c.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'flaky' }))).toMatchObject({ NotebookInstanceStatus: 'Pending' });
    expect((await c.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'flaky' }))).FailureReason).toBeUndefined();
    const failedAt = advance(DELAY);
    const d = await c.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'flaky' }));
    expect(d).toMatchObject({ NotebookInstanceStatus: 'Failed', FailureReason: 'Lifecycle config on-start failed' });
    expect(d.LastModifiedTime?.getTime()).toBe(failedAt);
    expect((await c.send(new ListNotebookInstancesCommand({ StatusEquals: 'Failed' }))).NotebookInstances?.map((n) => n.NotebookInstanceName)).toEqual(['flaky']);

    await c.send(new StartNotebookInstanceCommand({ NotebookInstanceName: 'flaky' }));
    advance(DELAY);
    const ok = await c.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'flaky' }));
    expect(ok.NotebookInstanceStatus).toBe('InService');
    expect(ok.FailureReason).toBeUndefined();
    expect(() => standin.failNotebook(acct, region, 'flaky', 'x', { atNextTransition: true })).toThrow(/no transition in progress/);
  });
});
