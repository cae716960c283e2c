import {
  CreateDataQualityJobDefinitionCommand,
  CreateModelBiasJobDefinitionCommand,
  CreateModelExplainabilityJobDefinitionCommand,
  CreateModelQualityJobDefinitionCommand,
  DeleteDataQualityJobDefinitionCommand,
  DeleteModelBiasJobDefinitionCommand,
  DeleteModelExplainabilityJobDefinitionCommand,
  DeleteModelQualityJobDefinitionCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeModelBiasJobDefinitionCommand,
  DescribeModelExplainabilityJobDefinitionCommand,
  DescribeModelQualityJobDefinitionCommand,
  paginateListDataQualityJobDefinitions,
  paginateListModelBiasJobDefinitions,
  paginateListModelExplainabilityJobDefinitions,
  paginateListModelQualityJobDefinitions,
} from '@aws-sdk/client-sagemaker';
import type {
  CreateDataQualityJobDefinitionCommandInput,
  CreateModelBiasJobDefinitionCommandInput,
  CreateModelExplainabilityJobDefinitionCommandInput,
  CreateModelQualityJobDefinitionCommandInput,
  MonitoringJobDefinitionSummary,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { DescribeOutputs, JobDefinitionKind } from '../resources.js';
import type { RecreatableKind } from './types.js';
import { listedPages, withoutMetadata } from './types.js';

/** `MonitoringType` as SageMaker spells it for schedules that name a definition of this kind. */
export type MonitoringType = 'DataQuality' | 'ModelQuality' | 'ModelBias' | 'ModelExplainability';

export interface JobDefinitionDescriptor<K extends JobDefinitionKind = JobDefinitionKind> extends RecreatableKind<K> {
  monitoringType: MonitoringType;
}

/**
 * The four Model Monitor job definition families share one shape (summary list, JobDefinitionName, immutable) but
 * each has its own List, Describe, Create and Delete calls.
 */
function jobDefinition<K extends JobDefinitionKind>(spec: {
  kind: K;
  type: MonitoringType;
  label: string;
  list: (client: SageMakerClient, pageSize: number) => AsyncIterable<{ JobDefinitionSummaries?: MonitoringJobDefinitionSummary[] | undefined }>;
  describe: (client: SageMakerClient, name: string) => Promise<DescribeOutputs[K] & { $metadata?: unknown }>;
  create: (client: SageMakerClient, input: Record<string, unknown>) => Promise<unknown>;
  delete: (client: SageMakerClient, name: string) => Promise<unknown>;
}): JobDefinitionDescriptor<K> {
  const family = `${spec.type}JobDefinition`;
  return {
    kind: spec.kind,
    label: spec.label,
    resourceType: `AWS::SageMaker::${family}`,
    lowercaseArnName: false,
    nameField: 'JobDefinitionName',
    monitoringType: spec.type,
    list: {
      operation: `List${family}s`,
      pages: (client, pageSize) =>
        listedPages(spec.list(client, pageSize), (p) =>
          (p.JobDefinitionSummaries ?? []).map((i) => ({ name: i.MonitoringJobDefinitionName, arn: i.MonitoringJobDefinitionArn, creationTime: i.CreationTime })),
        ),
    },
    describe: { operation: `Describe${family}`, call: async (client, name) => withoutMetadata(await spec.describe(client, name)) },
    create: { operation: `Create${family}`, call: spec.create },
    delete: { operation: `Delete${family}`, call: spec.delete },
    arnField: 'JobDefinitionArn',
    outputOnly: ['CreationTime'],
    versionSignal: 'creation-time',
    volatileKeys: ['CreationTime'],
  };
}

export const dataQualityJobDefinition = jobDefinition({
  kind: 'data-quality-job-definition',
  type: 'DataQuality',
  label: 'data quality job definition',
  list: (client, pageSize) => paginateListDataQualityJobDefinitions({ client, pageSize }, {}),
  describe: (c, name) => c.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: name })),
  create: (c, input) => c.send(new CreateDataQualityJobDefinitionCommand(input as unknown as CreateDataQualityJobDefinitionCommandInput)),
  delete: (c, name) => c.send(new DeleteDataQualityJobDefinitionCommand({ JobDefinitionName: name })),
});

export const modelQualityJobDefinition = jobDefinition({
  kind: 'model-quality-job-definition',
  type: 'ModelQuality',
  label: 'model quality job definition',
  list: (client, pageSize) => paginateListModelQualityJobDefinitions({ client, pageSize }, {}),
  describe: (c, name) => c.send(new DescribeModelQualityJobDefinitionCommand({ JobDefinitionName: name })),
  create: (c, input) => c.send(new CreateModelQualityJobDefinitionCommand(input as unknown as CreateModelQualityJobDefinitionCommandInput)),
  delete: (c, name) => c.send(new DeleteModelQualityJobDefinitionCommand({ JobDefinitionName: name })),
});

export const modelBiasJobDefinition = jobDefinition({
  kind: 'model-bias-job-definition',
  type: 'ModelBias',
  label: 'model bias job definition',
  list: (client, pageSize) => paginateListModelBiasJobDefinitions({ client, pageSize }, {}),
  describe: (c, name) => c.send(new DescribeModelBiasJobDefinitionCommand({ JobDefinitionName: name })),
  create: (c, input) => c.send(new CreateModelBiasJobDefinitionCommand(input as unknown as CreateModelBiasJobDefinitionCommandInput)),
  delete: (c, name) => c.send(new DeleteModelBiasJobDefinitionCommand({ JobDefinitionName: name })),
});

export const modelExplainabilityJobDefinition = jobDefinition({
  kind: 'model-explainability-job-definition',
  type: 'ModelExplainability',
  label: 'model explainability job definition',
  list: (client, pageSize) => paginateListModelExplainabilityJobDefinitions({ client, pageSize }, {}),
  describe: (c, name) => c.send(new DescribeModelExplainabilityJobDefinitionCommand({ JobDefinitionName: name })),
  create: (c, input) =>
    c.send(new CreateModelExplainabilityJobDefinitionCommand(input as unknown as CreateModelExplainabilityJobDefinitionCommandInput)),
  delete: (c, name) => c.send(new DeleteModelExplainabilityJobDefinitionCommand({ JobDefinitionName: name })),
});
