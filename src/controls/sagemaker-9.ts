import { jobDefinitionFlagControl } from './shared/job-definitions.js';
import { defineControl } from './types.js';

/** SageMaker.9: evaluated regardless of instance count; InstanceCount 1 is named in the reason, since the Config rule is scoped to 2 or more instances. */
export const sagemaker9 = defineControl(
  jobDefinitionFlagControl({
    id: 'SageMaker.9',
    title: 'SageMaker data quality job definitions should have inter-container traffic encryption enabled',
    severity: 'MEDIUM',
    resourceKind: 'data-quality-job-definition',
    configRule: 'sagemaker-data-quality-job-encrypt-in-transit',
    flag: 'EnableInterContainerTrafficEncryption',
    instanceCount: 'mention-single',
  }),
);
