import type { ProductionVariant } from '@aws-sdk/client-sagemaker';
import { endpointConfig } from '../../../aws/kinds/index.js';
import type { JsonValue } from '../../../plans/plan.js';
import { kmsThroughSageMaker, passExecutionRole, tagOnCreate } from '../../../aws/permissions.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { createCopy, createInputFrom, saveCopy } from '../recreate.js';
import { rollbackEndpointSwitch } from './endpoints.js';

export const endpointConfigCreateCopy = defineOperation({
  name: 'endpoint-config.create-copy',
  description: 'Create a copy of the endpoint config under a new name with the compliant settings',
  // Its undo recreates a deleted original, switches endpoints back and deletes the copy.
  ...sagemakerCalls(
    { reads: ['DescribeEndpointConfig', 'ListTags', 'ListEndpoints', 'DescribeEndpoint'], writes: ['CreateEndpointConfig', 'UpdateEndpoint', 'DeleteEndpointConfig'], tagsOf: ['endpoint-config'] },
    tagOnCreate(['CreateEndpointConfig'], ['endpoint-config']),
    passExecutionRole('CreateEndpointConfig hands SageMaker the copied ExecutionRoleArn, when the original has one'),
    ...kmsThroughSageMaker('the copy keeps the original KmsKeyId; UpdateEndpoint back to a config with a key (the undo) has SageMaker create a grant on it'),
  ),
  destructive: false,
  async run(run, p) {
    // The copy is in the job before anything changes.
    const { copy: source } = await saveCopy(run, endpointConfig, p.sourceName);
    const input = createInputFrom(endpointConfig, source.detail, p.newName, source.tags);
    const variants = (input.ProductionVariants as ProductionVariant[] | undefined) ?? [];
    input.ProductionVariants = variants.map((v) =>
      v.ServerlessConfig || v.InitialInstanceCount === undefined || v.InitialInstanceCount >= p.minimumInstanceCount ? v : { ...v, InitialInstanceCount: p.minimumInstanceCount },
    );
    const before = (source.detail.ProductionVariants as { [key: string]: JsonValue }[] | undefined) ?? [];
    const raised = (input.ProductionVariants as ProductionVariant[])
      .filter((v, i) => v.InitialInstanceCount !== before[i]?.InitialInstanceCount)
      .map((v) => `${v.VariantName ?? '?'}: ${v.InitialInstanceCount ?? '?'}`);
    const outcome = await createCopy(run, endpointConfig, input, { InitialInstanceCount: raised.join(', ') });
    if (outcome === 'existed') return run.skipped(`${p.newName} already exists with the compliant settings`);
    return run.acted(`created ${p.newName} from ${p.sourceName} (InitialInstanceCount ${raised.join(', ') || 'unchanged'})`);
  },
  rollback: (run, p) => rollbackEndpointSwitch(run, { oldName: p.sourceName, newName: p.newName }),
});
