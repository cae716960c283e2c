import { jobDefinitionFlagControl } from './helpers.js';
import { defineControl } from './types.js';

/** SageMaker.13: evaluated regardless of instance count; InstanceCount 1 is named in the reason (pitfall P1). The Config rule page was not found. */
export const sagemaker13 = defineControl(
  jobDefinitionFlagControl({
    id: 'SageMaker.13',
    title: 'SageMaker model quality job definitions should have inter-container traffic encryption enabled',
    severity: 'MEDIUM',
    resourceKind: 'model-quality-job-definition',
    configRule: 'sagemaker-model-quality-job-encrypt-in-transit',
    flag: 'EnableInterContainerTrafficEncryption',
    instanceCount: 'mention-single',
  }),
);
