import { DescribeAppImageConfigCommand, paginateListAppImageConfigs } from '@aws-sdk/client-sagemaker';
import type { KindDescriptor } from './types.js';
import { listedPages, withoutMetadata } from './types.js';

export const appImageConfig: KindDescriptor<'app-image-config'> = {
  kind: 'app-image-config',
  label: 'app image configuration',
  resourceType: 'AWS::SageMaker::AppImageConfig',
  lowercaseArnName: false,
  nameField: 'AppImageConfigName',
  list: {
    operation: 'ListAppImageConfigs',
    pages: (client, pageSize) =>
      listedPages(paginateListAppImageConfigs({ client, pageSize }, {}), (p) =>
        (p.AppImageConfigs ?? []).map((i) => ({
          name: i.AppImageConfigName,
          arn: i.AppImageConfigArn,
          creationTime: i.CreationTime,
          lastModifiedTime: i.LastModifiedTime,
        })),
      ),
  },
  describe: {
    operation: 'DescribeAppImageConfig',
    call: async (client, name) => withoutMetadata(await client.send(new DescribeAppImageConfigCommand({ AppImageConfigName: name }))),
  },
  versionSignal: 'last-modified-time',
  volatileKeys: ['CreationTime', 'LastModifiedTime'],
};
