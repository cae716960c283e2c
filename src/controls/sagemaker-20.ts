import { jobDefinitionFlagControl } from './shared/job-definitions.js';
import { defineControl } from './types.js';

/** SageMaker.20: High, unlike its Medium isolation siblings (.11, .12). */
export const sagemaker20 = defineControl(
  jobDefinitionFlagControl({
    id: 'SageMaker.20',
    title: 'SageMaker model explainability job definitions should have network isolation enabled',
    severity: 'HIGH',
    resourceKind: 'model-explainability-job-definition',
    configRule: 'sagemaker-model-explainability-job-network-isolation',
    flag: 'EnableNetworkIsolation',
    instanceCount: 'ignore',
  }),
);
