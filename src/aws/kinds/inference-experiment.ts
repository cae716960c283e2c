import { DescribeInferenceExperimentCommand, paginateListInferenceExperiments } from '@aws-sdk/client-sagemaker';
import type { KindDescriptor } from './types.js';
import { listedPages, withoutMetadata } from './types.js';

export const inferenceExperiment: KindDescriptor<'inference-experiment'> = {
  kind: 'inference-experiment',
  label: 'inference experiment',
  resourceType: 'AWS::SageMaker::InferenceExperiment',
  lowercaseArnName: true,
  nameField: 'Name',
  list: {
    operation: 'ListInferenceExperiments',
    // The summary carries no ARN; it is built from the name (see arnFor).
    pages: (client, pageSize) =>
      listedPages(paginateListInferenceExperiments({ client, pageSize }, {}), (p) =>
        (p.InferenceExperiments ?? []).map((i) => ({ name: i.Name, arn: undefined, creationTime: i.CreationTime, lastModifiedTime: i.LastModifiedTime })),
      ),
  },
  describe: {
    operation: 'DescribeInferenceExperiment',
    call: async (client, name) => withoutMetadata(await client.send(new DescribeInferenceExperimentCommand({ Name: name }))),
  },
  statusField: 'Status',
  versionSignal: 'last-modified-time',
  volatileKeys: ['Status', 'StatusReason', 'EndpointMetadata', 'CompletionTime', 'CreationTime', 'LastModifiedTime'],
};
