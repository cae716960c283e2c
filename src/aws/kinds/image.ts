import { DescribeImageCommand, paginateListImages } from '@aws-sdk/client-sagemaker';
import type { KindDescriptor } from './types.js';
import { listedPages, withoutMetadata } from './types.js';

export const image: KindDescriptor<'image'> = {
  kind: 'image',
  label: 'image',
  resourceType: 'AWS::SageMaker::Image',
  lowercaseArnName: false,
  nameField: 'ImageName',
  list: {
    operation: 'ListImages',
    pages: (client, pageSize) =>
      listedPages(paginateListImages({ client, pageSize }, {}), (p) =>
        (p.Images ?? []).map((i) => ({ name: i.ImageName, arn: i.ImageArn, creationTime: i.CreationTime, lastModifiedTime: i.LastModifiedTime })),
      ),
  },
  describe: {
    operation: 'DescribeImage',
    call: async (client, name) => withoutMetadata(await client.send(new DescribeImageCommand({ ImageName: name }))),
  },
  statusField: 'ImageStatus',
  versionSignal: 'last-modified-time',
  volatileKeys: ['ImageStatus', 'FailureReason', 'CreationTime', 'LastModifiedTime'],
};
