import { DescribeFeatureGroupCommand, paginateListFeatureGroups } from '@aws-sdk/client-sagemaker';
import type { KindDescriptor } from './types.js';
import { listedPages, withoutMetadata } from './types.js';

export const featureGroup: KindDescriptor<'feature-group'> = {
  kind: 'feature-group',
  label: 'feature group',
  resourceType: 'AWS::SageMaker::FeatureGroup',
  lowercaseArnName: false,
  nameField: 'FeatureGroupName',
  list: {
    operation: 'ListFeatureGroups',
    pages: (client, pageSize) =>
      listedPages(paginateListFeatureGroups({ client, pageSize }, {}), (p) =>
        (p.FeatureGroupSummaries ?? []).map((i) => ({ name: i.FeatureGroupName, arn: i.FeatureGroupArn, creationTime: i.CreationTime })),
      ),
  },
  describe: {
    operation: 'DescribeFeatureGroup',
    call: async (client, name) => withoutMetadata(await client.send(new DescribeFeatureGroupCommand({ FeatureGroupName: name }))),
  },
  statusField: 'FeatureGroupStatus',
  // UpdateFeatureGroup changes it in place and the summary has no LastModifiedTime: always described again.
  versionSignal: 'none',
  volatileKeys: ['FeatureGroupStatus', 'OfflineStoreStatus', 'LastUpdateStatus', 'FailureReason', 'NextToken', 'CreationTime', 'LastModifiedTime'],
};
