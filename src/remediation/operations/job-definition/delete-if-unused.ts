import { JOB_DEFINITIONS } from '../../../aws/kinds/index.js';
import { defineOperation } from '../define.js';
import { schedulesUsing } from '../monitoring-schedules.js';
import { deleteIfUnused } from '../recreate.js';

const descriptors = Object.values(JOB_DEFINITIONS);

export const jobDefinitionDeleteIfUnused = defineOperation({
  name: 'job-definition.delete-if-unused',
  description: 'Delete the old job definition once no schedule uses it (its copy stays in the job)',
  sdkCommands: [...descriptors.map((d) => d.describe.operation), 'ListMonitoringSchedules', ...descriptors.map((d) => d.delete.operation)],
  mutatingCommands: descriptors.map((d) => d.delete.operation),
  iamActions: [...descriptors.map((d) => `sagemaker:${d.describe.operation}`), 'sagemaker:ListMonitoringSchedules', ...descriptors.map((d) => `sagemaker:${d.delete.operation}`)],
  destructive: true,
  async run(run, p) {
    const outcome = await deleteIfUnused(run, JOB_DEFINITIONS[p.kind], p.name, () => schedulesUsing(run, p.kind, p.name), 'schedule(s)');
    if (outcome === 'gone') return run.skipped(`${p.name} is already gone (its copy stays in the job)`);
    return run.acted(`deleted ${p.name} (its copy stays in the job)`);
  },
});
