import { partitionOf } from '../arns.js';
import type { JobDefinitionKind, ResourceKind } from '../resources.js';
import { appImageConfig } from './app-image-config.js';
import { endpointConfig } from './endpoint-config.js';
import { featureGroup } from './feature-group.js';
import { image } from './image.js';
import { inferenceExperiment } from './inference-experiment.js';
import {
  dataQualityJobDefinition,
  modelBiasJobDefinition,
  modelExplainabilityJobDefinition,
  modelQualityJobDefinition,
  type JobDefinitionDescriptor,
} from './job-definitions.js';
import { model } from './model.js';
import { monitoringSchedule } from './monitoring-schedule.js';
import { notebookInstance } from './notebook-instance.js';
import type { KindDescriptor } from './types.js';

export type { JobDefinitionDescriptor, MonitoringType } from './job-definitions.js';
export type { KindDescriptor, ListedResource, RecreatableKind, VersionSignal } from './types.js';

/** One descriptor per resource kind (the kinds are listed, in report order, in `RESOURCE_KINDS`). */
export const KINDS: { readonly [K in ResourceKind]: KindDescriptor<K> } = {
  'notebook-instance': notebookInstance,
  'data-quality-job-definition': dataQualityJobDefinition,
  'model-quality-job-definition': modelQualityJobDefinition,
  'model-bias-job-definition': modelBiasJobDefinition,
  'model-explainability-job-definition': modelExplainabilityJobDefinition,
  'monitoring-schedule': monitoringSchedule,
  model,
  'endpoint-config': endpointConfig,
  'feature-group': featureGroup,
  'inference-experiment': inferenceExperiment,
  'app-image-config': appImageConfig,
  image,
};

export const JOB_DEFINITIONS: { readonly [K in JobDefinitionKind]: JobDefinitionDescriptor<K> } = {
  'data-quality-job-definition': dataQualityJobDefinition,
  'model-quality-job-definition': modelQualityJobDefinition,
  'model-bias-job-definition': modelBiasJobDefinition,
  'model-explainability-job-definition': modelExplainabilityJobDefinition,
};

export { endpointConfig };

/** The descriptor of a kind, typed for it. */
export function kindOf<K extends ResourceKind>(kind: K): KindDescriptor<K> {
  return KINDS[kind] as KindDescriptor<K>;
}

/**
 * The ARN SageMaker gives a resource (used when a List summary carries none, and for resources a plan creates).
 * Kinds are named after the resource-type part of SageMaker ARNs.
 */
export function arnFor(kind: ResourceKind, name: string, accountId: string, region: string): string {
  const part = KINDS[kind].lowercaseArnName ? name.toLowerCase() : name;
  return `arn:${partitionOf(region)}:sagemaker:${region}:${accountId}:${kind}/${part}`;
}

const BY_RESOURCE_TYPE = new Map<string, ResourceKind>(
  Object.values(KINDS).flatMap((d) => [
    [d.resourceType.toLowerCase(), d.kind],
    // ASFF spells some types without the separators (AwsSageMakerNotebookInstance).
    [d.resourceType.replaceAll('::', '').toLowerCase(), d.kind],
  ]),
);

/** The kind of a CloudFormation or ASFF resource type, if it is one of ours. */
export function kindOfResourceType(type: string | undefined): ResourceKind | undefined {
  return type === undefined ? undefined : BY_RESOURCE_TYPE.get(type.toLowerCase());
}
