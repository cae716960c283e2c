import { JOB_DEFINITIONS } from '../../../aws/kinds/index.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { schedulesUsing } from '../monitoring-schedules.js';
import { deleteIfUnused } from '../recreate.js';

const descriptors = Object.values(JOB_DEFINITIONS);

export const jobDefinitionDeleteIfUnused = defineOperation({
  name: 'job-definition.delete-if-unused',
  description: 'Delete the old job definition once no schedule uses it (its copy stays in the job)',
  ...sagemakerCalls({ reads: [...descriptors.map((d) => d.describe.operation), 'ListMonitoringSchedules'], writes: descriptors.map((d) => d.delete.operation) }),
  destructive: true,
  async run(run, p) {
    const outcome = await deleteIfUnused(run, JOB_DEFINITIONS[p.kind], p.name, () => schedulesUsing(run, p.kind, p.name), 'schedule(s)');
    if (outcome === 'gone') return run.skipped(`${p.name} is already gone (its copy stays in the job)`);
    return run.acted(`deleted ${p.name} (its copy stays in the job)`);
  },
});
