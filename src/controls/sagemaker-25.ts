import { jobDefinitionFlagControl } from './shared/job-definitions.js';
import { defineControl } from './types.js';

/** SageMaker.25: High, unlike its Medium isolation siblings (.11, .12). */
export const sagemaker25 = defineControl(
  jobDefinitionFlagControl({
    id: 'SageMaker.25',
    title: 'SageMaker model quality job definitions should have network isolation enabled',
    severity: 'HIGH',
    resourceKind: 'model-quality-job-definition',
    configRule: 'sagemaker-model-quality-job-definition-isolation',
    flag: 'EnableNetworkIsolation',
    instanceCount: 'ignore',
  }),
);
