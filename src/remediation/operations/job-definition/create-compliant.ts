import type { MonitoringNetworkConfig } from '@aws-sdk/client-sagemaker';
import { JOB_DEFINITIONS } from '../../../aws/kinds/index.js';
import { RemediationError } from '../../errors.js';
import { kmsThroughSageMaker, passExecutionRole, tagOnCreate } from '../../../aws/permissions.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { createCopy, createInputFrom } from '../recreate.js';
import { copyKey, settableTags } from '../step-run.js';
import { rollbackDefinitionSwap } from './swap.js';

const descriptors = Object.values(JOB_DEFINITIONS);
const creates = descriptors.map((d) => d.create.operation);

export const jobDefinitionCreateCompliant = defineOperation({
  name: 'job-definition.create-compliant',
  description: 'Create the compliant copy of the job definition under a new name',
  // Its undo recreates a deleted original, repoints schedules back and deletes the copy.
  ...sagemakerCalls(
    {
      reads: [...descriptors.map((d) => d.describe.operation), 'ListMonitoringSchedules', 'DescribeMonitoringSchedule'],
      writes: [...creates, ...descriptors.map((d) => d.delete.operation), 'UpdateMonitoringSchedule'],
    },
    tagOnCreate(creates, descriptors.map((d) => d.kind)),
    passExecutionRole('Create*JobDefinition hands SageMaker the copied RoleArn, the role its monitoring jobs run as'),
    ...kmsThroughSageMaker('the copy keeps the KmsKeyId of its outputs and VolumeKmsKeyId of its volumes; granted as for the processing jobs it runs'),
  ),
  destructive: false,
  async run(run, p) {
    const descriptor = JOB_DEFINITIONS[p.kind];
    const source = run.ctx.state.savedCopies[copyKey(p.kind, p.sourceName)];
    if (!source) throw new RemediationError(`no saved copy of ${p.sourceName}: the snapshot step must run first`, 'NoSnapshot', false);
    const input = createInputFrom(descriptor, source.detail, p.newName, source.tags);
    const network: MonitoringNetworkConfig = { ...((input.NetworkConfig as MonitoringNetworkConfig | undefined) ?? {}) };
    if (p.enableNetworkIsolation) network.EnableNetworkIsolation = true;
    if (p.enableInterContainerTrafficEncryption) network.EnableInterContainerTrafficEncryption = true;
    input.NetworkConfig = network;
    const flags = {
      ...(p.enableNetworkIsolation ? { EnableNetworkIsolation: true } : {}),
      ...(p.enableInterContainerTrafficEncryption ? { EnableInterContainerTrafficEncryption: true } : {}),
    };
    const outcome = await createCopy(run, descriptor, input, { ...flags, Tags: Object.keys(source.tags).length });
    if (outcome === 'existed') return run.skipped(`${p.newName} already exists with the compliant settings`);
    return run.acted(`created ${p.newName} (copy of ${p.sourceName} with ${Object.keys(flags).join(', ')} on, ${settableTags(source.tags).length} tags)`);
  },
  rollback: (run, p) => rollbackDefinitionSwap(run, { kind: p.kind, oldName: p.sourceName, newName: p.newName }),
});
