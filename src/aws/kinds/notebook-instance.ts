import { DescribeNotebookInstanceCommand, paginateListNotebookInstances } from '@aws-sdk/client-sagemaker';
import type { KindDescriptor } from './types.js';
import { listedPages, withoutMetadata } from './types.js';

export const notebookInstance: KindDescriptor<'notebook-instance'> = {
  kind: 'notebook-instance',
  label: 'notebook instance',
  resourceType: 'AWS::SageMaker::NotebookInstance',
  lowercaseArnName: true,
  nameField: 'NotebookInstanceName',
  list: {
    operation: 'ListNotebookInstances',
    pages: (client, pageSize) =>
      listedPages(paginateListNotebookInstances({ client, pageSize }, {}), (p) =>
        (p.NotebookInstances ?? []).map((i) => ({
          name: i.NotebookInstanceName,
          arn: i.NotebookInstanceArn,
          creationTime: i.CreationTime,
          lastModifiedTime: i.LastModifiedTime,
        })),
      ),
  },
  describe: {
    operation: 'DescribeNotebookInstance',
    call: async (client, name) => withoutMetadata(await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: name }))),
  },
  statusField: 'NotebookInstanceStatus',
  versionSignal: 'last-modified-time',
  volatileKeys: ['NotebookInstanceStatus', 'Url', 'FailureReason', 'NetworkInterfaceId', 'CreationTime', 'LastModifiedTime'],
};
