import { jobDefinitionFlagControl } from './shared/job-definitions.js';
import { defineControl } from './types.js';

/** SageMaker.11: absent NetworkConfig.EnableNetworkIsolation means false. */
export const sagemaker11 = defineControl(
  jobDefinitionFlagControl({
    id: 'SageMaker.11',
    title: 'SageMaker data quality job definitions should have network isolation enabled',
    severity: 'MEDIUM',
    resourceKind: 'data-quality-job-definition',
    configRule: 'sagemaker-data-quality-job-isolation',
    flag: 'EnableNetworkIsolation',
    instanceCount: 'ignore',
  }),
);
