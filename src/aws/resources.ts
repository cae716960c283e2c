import type {
  DescribeAppImageConfigResponse,
  DescribeDataQualityJobDefinitionResponse,
  DescribeEndpointConfigOutput,
  DescribeFeatureGroupResponse,
  DescribeImageResponse,
  DescribeInferenceExperimentResponse,
  DescribeModelBiasJobDefinitionResponse,
  DescribeModelExplainabilityJobDefinitionResponse,
  DescribeModelOutput,
  DescribeModelQualityJobDefinitionResponse,
  DescribeMonitoringScheduleResponse,
  DescribeNotebookInstanceOutput,
} from '@aws-sdk/client-sagemaker';

/** The SageMaker resource kinds the controls look at, in the order reports list them. */
export const RESOURCE_KINDS = [
  'notebook-instance',
  'data-quality-job-definition',
  'model-quality-job-definition',
  'model-bias-job-definition',
  'model-explainability-job-definition',
  'monitoring-schedule',
  'model',
  'endpoint-config',
  'feature-group',
  'inference-experiment',
  'app-image-config',
  'image',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Security Hub severity labels, most severe first. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What must be read about a resource for a control: its Describe output, its tags, or both. */
export interface EvidenceNeed {
  describe: boolean;
  tags: boolean;
}

/** The Describe output each kind is evaluated on (the SDK's own shapes, so fixtures follow the API reference). */
export interface DescribeOutputs {
  'notebook-instance': DescribeNotebookInstanceOutput;
  'data-quality-job-definition': DescribeDataQualityJobDefinitionResponse;
  'model-quality-job-definition': DescribeModelQualityJobDefinitionResponse;
  'model-bias-job-definition': DescribeModelBiasJobDefinitionResponse;
  'model-explainability-job-definition': DescribeModelExplainabilityJobDefinitionResponse;
  'monitoring-schedule': DescribeMonitoringScheduleResponse;
  model: DescribeModelOutput;
  'endpoint-config': DescribeEndpointConfigOutput;
  'feature-group': DescribeFeatureGroupResponse;
  'inference-experiment': DescribeInferenceExperimentResponse;
  'app-image-config': DescribeAppImageConfigResponse;
  image: DescribeImageResponse;
}

/** The four Model Monitor job definition families; each has its own Describe/Create/Delete/List calls. */
export const JOB_DEFINITION_KINDS = [
  'data-quality-job-definition',
  'model-quality-job-definition',
  'model-bias-job-definition',
  'model-explainability-job-definition',
] as const;
export type JobDefinitionKind = (typeof JOB_DEFINITION_KINDS)[number];

export interface ResourceRef<K extends ResourceKind = ResourceKind> {
  kind: K;
  arn: string;
  name: string;
  accountId: string;
  region: string;
}

/** Something the user should know that is not an error (Security Hub not enabled, accounts discovered…). */
export interface AuditNote {
  accountId?: string;
  region?: string;
  message: string;
}

/** The AWS services the tool calls, as their IAM prefixes spell them. */
export type AwsService = 'sagemaker' | 'securityhub' | 'sts' | 'organizations';

/** Something the collector could not read. Kept in the report instead of being thrown away. */
export interface ReadError {
  accountId: string;
  region: string;
  /** The service called; absent when no call was made (no role for an account) or the failure was not a call. */
  service?: AwsService;
  operation: string;
  code: string;
  message: string;
  resourceArn?: string;
}

/**
 * What the collector read about one resource. A field that is `undefined` was not read
 * (not needed by the selected controls, or the read failed): controls answer UNKNOWN then, never PASSED.
 */
export interface ResourceSnapshot<K extends ResourceKind = ResourceKind> {
  ref: ResourceRef<K>;
  detail?: DescribeOutputs[K];
  /** Tag key -> value, read with ListTags. */
  tags?: Record<string, string>;
  /** Errors met while reading this resource's evidence. */
  readErrors?: ReadError[];
}
