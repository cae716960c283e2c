import {
  CreateEndpointConfigCommand,
  DeleteEndpointConfigCommand,
  DescribeEndpointConfigCommand,
  paginateListEndpointConfigs,
} from '@aws-sdk/client-sagemaker';
import type { CreateEndpointConfigInput } from '@aws-sdk/client-sagemaker';
import type { RecreatableKind } from './types.js';
import { listedPages, withoutMetadata } from './types.js';

export const endpointConfig: RecreatableKind<'endpoint-config'> = {
  kind: 'endpoint-config',
  label: 'endpoint configuration',
  resourceType: 'AWS::SageMaker::EndpointConfig',
  lowercaseArnName: true,
  nameField: 'EndpointConfigName',
  list: {
    operation: 'ListEndpointConfigs',
    pages: (client, pageSize) =>
      listedPages(paginateListEndpointConfigs({ client, pageSize }, {}), (p) =>
        (p.EndpointConfigs ?? []).map((i) => ({ name: i.EndpointConfigName, arn: i.EndpointConfigArn, creationTime: i.CreationTime })),
      ),
  },
  describe: {
    operation: 'DescribeEndpointConfig',
    call: async (client, name) => withoutMetadata(await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }))),
  },
  create: {
    operation: 'CreateEndpointConfig',
    call: (client, input) => client.send(new CreateEndpointConfigCommand(input as unknown as CreateEndpointConfigInput)),
  },
  delete: {
    operation: 'DeleteEndpointConfig',
    call: (client, name) => client.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })),
  },
  arnField: 'EndpointConfigArn',
  outputOnly: ['CreationTime'],
  versionSignal: 'creation-time',
  volatileKeys: ['CreationTime'],
};
