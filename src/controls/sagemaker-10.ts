import { jobDefinitionFlagControl } from './shared/job-definitions.js';
import { defineControl } from './types.js';

/** SageMaker.10: evaluated regardless of instance count; InstanceCount 1 is named in the reason, since the Config rule is scoped to 2 or more instances. */
export const sagemaker10 = defineControl(
  jobDefinitionFlagControl({
    id: 'SageMaker.10',
    title: 'SageMaker model explainability job definitions should have inter-container traffic encryption enabled',
    severity: 'MEDIUM',
    resourceKind: 'model-explainability-job-definition',
    configRule: 'sagemaker-model-explainability-job-encrypt-in-transit',
    flag: 'EnableInterContainerTrafficEncryption',
    instanceCount: 'mention-single',
  }),
);
