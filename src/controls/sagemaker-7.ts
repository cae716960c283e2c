import { tagControl } from './shared/tags.js';
import { defineControl } from './types.js';

/** SageMaker.7: tags only (no Describe needed); aws: system tags are ignored. */
export const sagemaker7 = defineControl(
  tagControl({
    id: 'SageMaker.7',
    title: 'SageMaker images should be tagged',
    resourceKind: 'image',
    configRule: 'sagemaker-image-tagged',
  }),
);
