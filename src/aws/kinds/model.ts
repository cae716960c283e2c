import { DescribeModelCommand, paginateListModels } from '@aws-sdk/client-sagemaker';
import type { KindDescriptor } from './types.js';
import { listedPages, withoutMetadata } from './types.js';

export const model: KindDescriptor<'model'> = {
  kind: 'model',
  label: 'model',
  resourceType: 'AWS::SageMaker::Model',
  lowercaseArnName: true,
  nameField: 'ModelName',
  list: {
    operation: 'ListModels',
    pages: (client, pageSize) =>
      listedPages(paginateListModels({ client, pageSize }, {}), (p) =>
        (p.Models ?? []).map((i) => ({ name: i.ModelName, arn: i.ModelArn, creationTime: i.CreationTime })),
      ),
  },
  describe: {
    operation: 'DescribeModel',
    call: async (client, name) => withoutMetadata(await client.send(new DescribeModelCommand({ ModelName: name }))),
  },
  versionSignal: 'creation-time',
  volatileKeys: ['CreationTime'],
};
