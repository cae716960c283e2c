import { jobDefinitionFlagControl } from './shared/job-definitions.js';
import { defineControl } from './types.js';

/** SageMaker.12: absent NetworkConfig.EnableNetworkIsolation means false. */
export const sagemaker12 = defineControl(
  jobDefinitionFlagControl({
    id: 'SageMaker.12',
    title: 'SageMaker model bias job definitions should have network isolation enabled',
    severity: 'MEDIUM',
    resourceKind: 'model-bias-job-definition',
    configRule: 'sagemaker-model-bias-job-isolation',
    flag: 'EnableNetworkIsolation',
    instanceCount: 'ignore',
  }),
);
