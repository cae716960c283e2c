import { tagControl } from './shared/tags.js';
import { defineControl } from './types.js';

/** SageMaker.6: tags only (no Describe needed); aws: system tags are ignored. */
export const sagemaker6 = defineControl(
  tagControl({
    id: 'SageMaker.6',
    title: 'SageMaker app image configurations should be tagged',
    resourceKind: 'app-image-config',
    configRule: 'sagemaker-app-image-config-tagged',
  }),
);
