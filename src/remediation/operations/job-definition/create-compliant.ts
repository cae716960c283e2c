import type { MonitoringNetworkConfig } from '@aws-sdk/client-sagemaker';
import { JOB_DEFINITIONS } from '../../../aws/kinds/index.js';
import { RemediationError } from '../../errors.js';
import { defineOperation } from '../define.js';
import { createCopy, createInputFrom } from '../recreate.js';
import { copyKey, settableTags } from '../step-run.js';
import { SWAP_SCHEDULE_CALLS, rollbackDefinitionSwap } from './swap.js';

const descriptors = Object.values(JOB_DEFINITIONS);
const calls = [
  ...descriptors.flatMap((d) => [d.describe.operation, d.create.operation, d.delete.operation]),
  ...SWAP_SCHEDULE_CALLS,
  'ListTags',
  'AddTags',
];

export const jobDefinitionCreateCompliant = defineOperation({
  name: 'job-definition.create-compliant',
  description: 'Create the compliant copy of the job definition under a new name',
  sdkCommands: calls,
  // Its undo recreates a deleted original, repoints schedules back and deletes the copy.
  mutatingCommands: [...descriptors.flatMap((d) => [d.create.operation, d.delete.operation]), 'UpdateMonitoringSchedule', 'AddTags'],
  iamActions: calls.map((c) => `sagemaker:${c}`),
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
