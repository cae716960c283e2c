import { jobDefinitionFlagControl } from './shared/job-definitions.js';
import { defineControl } from './types.js';

/** SageMaker.15: the control text scopes it to an instance count of 2 or greater; fewer is NOT_APPLICABLE. */
export const sagemaker15 = defineControl(
  jobDefinitionFlagControl({
    id: 'SageMaker.15',
    title: 'SageMaker model bias job definitions should have inter-container traffic encryption enabled',
    severity: 'MEDIUM',
    resourceKind: 'model-bias-job-definition',
    configRule: 'sagemaker-model-bias-job-encrypt-in-transit',
    flag: 'EnableInterContainerTrafficEncryption',
    instanceCount: 'two-or-more',
  }),
);
