import { jobDefinitionFlagControl } from './shared/job-definitions.js';
import { defineControl } from './types.js';

/** SageMaker.13: evaluated regardless of instance count; InstanceCount 1 is named in the reason, since the Config rule may scope it to 2 or more instances. */
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
