import { RemediationError } from '../../errors.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { schedulesUsing, waitScheduleNotPending } from '../monitoring-schedules.js';

export const schedulesWaitNotPending = defineOperation({
  name: 'schedules.wait-not-pending',
  description: 'Wait until the repointed schedules leave Pending',
  ...sagemakerCalls({ reads: ['ListMonitoringSchedules', 'DescribeMonitoringSchedule'] }),
  destructive: false,
  async run(run, p) {
    const repointed = run.ctx.state.facts.repointed ?? [];
    const names = new Set([...(await schedulesUsing(run, p.kind, p.definitionName)), ...repointed]);
    if (names.size === 0) return run.skipped(`no schedule uses ${p.definitionName}`);
    if (run.dryRun) return { status: 'dry-run', detail: `would wait until ${names.size} schedule(s) leave Pending (at most ${p.maxWaitSeconds} s)` };
    const deadline = Date.now() + p.maxWaitSeconds * 1000;
    for (const name of names) {
      const d = await waitScheduleNotPending(run, name, Math.max(1, Math.ceil((deadline - Date.now()) / 1000)));
      const points = d.MonitoringScheduleConfig?.MonitoringJobDefinitionName;
      if (points !== p.definitionName && repointed.includes(name)) {
        throw new RemediationError(`monitoring schedule ${name} points at ${points ?? 'nothing'}, not ${p.definitionName}, after the update`, 'RepointNotApplied', false);
      }
    }
    return { status: 'done', detail: `${names.size} schedule(s) left Pending: ${[...names].join(', ')}` };
  },
});
