import type {
  DescribeEndpointConfigOutput,
  DescribeFeatureGroupResponse,
  DescribeInferenceExperimentResponse,
  DescribeModelOutput,
  DescribeMonitoringScheduleResponse,
  DescribeNotebookInstanceOutput,
  MonitoringNetworkConfig,
  NetworkConfig,
} from '@aws-sdk/client-sagemaker';
import type { DescribeOutputs, JobDefinitionKind, ReadError, ResourceKind, ResourceSnapshot } from '../../src/aws/resources.js';
import { DEFAULT_CONTROL_PARAMETERS } from '../../src/controls/parameters.js';
import type { ControlParameters } from '../../src/config.js';

/** Shapes follow the SageMaker API reference (Describe* outputs); the defaults are compliant unless a test overrides. */

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
const T = new Date('2026-05-01T10:00:00Z');

export function arnOf(kind: ResourceKind, name: string): string {
  // Notebook ARNs are lower-cased by SageMaker.
  const resource = kind === 'notebook-instance' ? name.toLowerCase() : name;
  return `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}/${resource}`;
}

export function params(overrides: Partial<ControlParameters> = {}): ControlParameters {
  return { ...DEFAULT_CONTROL_PARAMETERS, ...overrides };
}

export function snapshot<K extends ResourceKind>(
  kind: K,
  name: string,
  detail: DescribeOutputs[K] | undefined,
  extra: { tags?: Record<string, string>; readErrors?: ReadError[] } = {},
): ResourceSnapshot<K> {
  return {
    ref: { kind, name, arn: arnOf(kind, name), accountId: ACCOUNT, region: REGION },
    ...(detail !== undefined ? { detail } : {}),
    ...extra,
  };
}

/** A snapshot whose Describe failed: no detail, one read error. */
export function unread<K extends ResourceKind>(kind: K, name: string): ResourceSnapshot<K> {
  return {
    ref: { kind, name, arn: arnOf(kind, name), accountId: ACCOUNT, region: REGION },
    readErrors: [
      { accountId: ACCOUNT, region: REGION, operation: 'Describe', code: 'AccessDeniedException', message: 'not authorized', resourceArn: arnOf(kind, name) },
    ],
  };
}

/* Notebook instances -------------------------------------------------------------------------------------------- */

export function notebookDetail(name = 'nb-1', overrides: Partial<DescribeNotebookInstanceOutput> = {}): DescribeNotebookInstanceOutput {
  return {
    NotebookInstanceArn: arnOf('notebook-instance', name),
    NotebookInstanceName: name,
    NotebookInstanceStatus: 'InService',
    Url: `${name.toLowerCase()}.notebook.${REGION}.sagemaker.aws`,
    InstanceType: 'ml.t3.medium',
    SubnetId: 'subnet-0abc1234def567890',
    SecurityGroups: ['sg-0123456789abcdef0'],
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole`,
    KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    NetworkInterfaceId: 'eni-0123456789abcdef0',
    LastModifiedTime: T,
    CreationTime: T,
    NotebookInstanceLifecycleConfigName: 'install-extensions',
    DirectInternetAccess: 'Disabled',
    VolumeSizeInGB: 20,
    DefaultCodeRepository: 'https://github.com/example/ml-notebooks',
    RootAccess: 'Disabled',
    PlatformIdentifier: 'notebook-al2023-v1',
    InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' },
    ...overrides,
  };
}

export function notebook(overrides: Partial<DescribeNotebookInstanceOutput> = {}, name = 'nb-1'): ResourceSnapshot<'notebook-instance'> {
  return snapshot('notebook-instance', name, notebookDetail(name, overrides));
}

/** Removes keys from a Describe output, to model fields AWS leaves out. */
export function without<T extends object>(value: T, ...keys: (keyof T)[]): T {
  const copy = { ...value };
  for (const k of keys) delete copy[k];
  return copy;
}

/* Model Monitor job definitions ---------------------------------------------------------------------------------- */

const FAMILY_PREFIX: Record<JobDefinitionKind, string> = {
  'data-quality-job-definition': 'DataQuality',
  'model-quality-job-definition': 'ModelQuality',
  'model-bias-job-definition': 'ModelBias',
  'model-explainability-job-definition': 'ModelExplainability',
};

export function jobDefinition<K extends JobDefinitionKind>(
  kind: K,
  name: string,
  network: MonitoringNetworkConfig | undefined,
  instanceCount = 2,
): ResourceSnapshot<K> {
  const p = FAMILY_PREFIX[kind];
  const detail = {
    JobDefinitionArn: arnOf(kind, name),
    JobDefinitionName: name,
    CreationTime: T,
    [`${p}AppSpecification`]: { ImageUri: `156813124566.dkr.ecr.${REGION}.amazonaws.com/sagemaker-model-monitor-analyzer` },
    [`${p}JobInput`]: { EndpointInput: { EndpointName: 'churn-prod', LocalPath: '/opt/ml/processing/input' } },
    [`${p}JobOutputConfig`]: {
      MonitoringOutputs: [{ S3Output: { S3Uri: 's3://ml-monitoring/churn', LocalPath: '/opt/ml/processing/output' } }],
    },
    JobResources: { ClusterConfig: { InstanceCount: instanceCount, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 20 } },
    ...(network ? { NetworkConfig: network } : {}),
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/ModelMonitorRole`,
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  } as unknown as DescribeOutputs[K];
  return snapshot(kind, name, detail);
}

/* Monitoring schedules ------------------------------------------------------------------------------------------- */

export function embeddedSchedule(name: string, network: NetworkConfig | undefined): ResourceSnapshot<'monitoring-schedule'> {
  const detail: DescribeMonitoringScheduleResponse = {
    MonitoringScheduleArn: arnOf('monitoring-schedule', name),
    MonitoringScheduleName: name,
    MonitoringScheduleStatus: 'Scheduled',
    MonitoringType: 'DataQuality',
    CreationTime: T,
    LastModifiedTime: T,
    EndpointName: 'churn-prod',
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
      MonitoringType: 'DataQuality',
      MonitoringJobDefinition: {
        MonitoringInputs: [{ EndpointInput: { EndpointName: 'churn-prod', LocalPath: '/opt/ml/processing/input' } }],
        MonitoringOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: 's3://ml-monitoring/churn', LocalPath: '/opt/ml/processing/output' } }] },
        MonitoringResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 20 } },
        MonitoringAppSpecification: { ImageUri: `156813124566.dkr.ecr.${REGION}.amazonaws.com/sagemaker-model-monitor-analyzer` },
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/ModelMonitorRole`,
        ...(network ? { NetworkConfig: network } : {}),
      },
    },
  };
  return snapshot('monitoring-schedule', name, detail);
}

export function namedSchedule(
  name: string,
  definitionName: string,
  type: 'DataQuality' | 'ModelQuality' | 'ModelBias' | 'ModelExplainability' = 'DataQuality',
): ResourceSnapshot<'monitoring-schedule'> {
  return snapshot('monitoring-schedule', name, {
    MonitoringScheduleArn: arnOf('monitoring-schedule', name),
    MonitoringScheduleName: name,
    MonitoringScheduleStatus: 'Scheduled',
    MonitoringType: type,
    CreationTime: T,
    LastModifiedTime: T,
    EndpointName: 'churn-prod',
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
      MonitoringJobDefinitionName: definitionName,
      MonitoringType: type,
    },
  });
}

/* Models, endpoint configs, feature groups, inference experiments ------------------------------------------------ */

const IMAGE = `763104351884.dkr.ecr.${REGION}.amazonaws.com/pytorch-inference:2.3.0-cpu-py311`;

export function model(name: string, overrides: Partial<DescribeModelOutput> = {}): ResourceSnapshot<'model'> {
  return snapshot('model', name, {
    ModelName: name,
    ModelArn: arnOf('model', name),
    CreationTime: T,
    ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/SageMakerModelRole`,
    PrimaryContainer: {
      Image: IMAGE,
      Mode: 'SingleModel',
      ModelDataUrl: 's3://ml-models/churn/model.tar.gz',
      ImageConfig: { RepositoryAccessMode: 'Vpc' },
    },
    VpcConfig: { SecurityGroupIds: ['sg-0123456789abcdef0'], Subnets: ['subnet-0abc1234def567890'] },
    EnableNetworkIsolation: true,
    ...overrides,
  });
}

export function pipelineModel(name: string, modes: ('Vpc' | 'Platform' | undefined)[]): ResourceSnapshot<'model'> {
  return snapshot('model', name, {
    ModelName: name,
    ModelArn: arnOf('model', name),
    CreationTime: T,
    ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/SageMakerModelRole`,
    Containers: modes.map((mode, i) => ({
      ContainerHostname: `step-${i + 1}`,
      Image: IMAGE,
      ...(mode ? { ImageConfig: { RepositoryAccessMode: mode } } : {}),
    })),
    InferenceExecutionConfig: { Mode: 'Serial' },
    EnableNetworkIsolation: true,
  });
}

export function endpointConfig(name: string, variants: DescribeEndpointConfigOutput['ProductionVariants']): ResourceSnapshot<'endpoint-config'> {
  return snapshot('endpoint-config', name, {
    EndpointConfigName: name,
    EndpointConfigArn: arnOf('endpoint-config', name),
    ProductionVariants: variants,
    CreationTime: T,
  });
}

export function featureGroup(name: string, overrides: Partial<DescribeFeatureGroupResponse> = {}): ResourceSnapshot<'feature-group'> {
  return snapshot('feature-group', name, {
    FeatureGroupArn: arnOf('feature-group', name),
    FeatureGroupName: name,
    RecordIdentifierFeatureName: 'customer_id',
    EventTimeFeatureName: 'event_time',
    FeatureDefinitions: [
      { FeatureName: 'customer_id', FeatureType: 'String' },
      { FeatureName: 'event_time', FeatureType: 'String' },
    ],
    CreationTime: T,
    OnlineStoreConfig: {
      EnableOnlineStore: true,
      StorageType: 'Standard',
      SecurityConfig: { KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/online` },
    },
    OfflineStoreConfig: {
      S3StorageConfig: { S3Uri: 's3://ml-feature-store/offline', KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/offline` },
      DisableGlueTableCreation: false,
    },
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/FeatureStoreRole`,
    FeatureGroupStatus: 'Created',
    NextToken: undefined,
    ...overrides,
  });
}

export function inferenceExperiment(
  name: string,
  overrides: Partial<DescribeInferenceExperimentResponse> = {},
): ResourceSnapshot<'inference-experiment'> {
  return snapshot('inference-experiment', name, {
    Arn: arnOf('inference-experiment', name),
    Name: name,
    Type: 'ShadowMode',
    Status: 'Running',
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/InferenceExperimentRole`,
    EndpointMetadata: { EndpointName: 'churn-prod', EndpointConfigName: 'churn-prod-config', EndpointStatus: 'InService' },
    ModelVariants: [
      { ModelName: 'churn-v1', VariantName: 'production', Status: 'InService', InfrastructureConfig: { InfrastructureType: 'RealTimeInference', RealTimeInferenceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 } } },
      { ModelName: 'churn-v2', VariantName: 'shadow', Status: 'InService', InfrastructureConfig: { InfrastructureType: 'RealTimeInference', RealTimeInferenceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 } } },
    ],
    DataStorageConfig: { Destination: 's3://ml-shadow-capture/churn', KmsKey: `arn:aws:kms:${REGION}:${ACCOUNT}:key/capture` },
    ShadowModeConfig: { SourceModelVariantName: 'production', ShadowModelVariants: [{ ShadowModelVariantName: 'shadow', SamplingPercentage: 50 }] },
    KmsKey: `arn:aws:kms:${REGION}:${ACCOUNT}:key/volume`,
    ...overrides,
  });
}
