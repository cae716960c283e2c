import { defineOperation, sagemakerCalls } from '../define.js';
import { requireSchedule, waitScheduleNotPending } from '../monitoring-schedules.js';

export const scheduleWaitNotPending = defineOperation({
  name: 'schedule.wait-not-pending',
  description: 'Wait until the monitoring schedule leaves Pending',
  ...sagemakerCalls({ reads: ['DescribeMonitoringSchedule'] }),
  destructive: false,
  async run(run, p) {
    if (run.dryRun) {
      const d = await requireSchedule(run, p.scheduleName);
      return d.MonitoringScheduleStatus === 'Pending'
        ? { status: 'dry-run', detail: `would wait until ${p.scheduleName} leaves Pending (at most ${p.maxWaitSeconds} s)` }
        : run.skipped(`${p.scheduleName} is ${d.MonitoringScheduleStatus ?? 'unknown'}`);
    }
    // A Failed schedule ends the wait as a failure only when this plan updated it (it was Failed before otherwise).
    const changedByPlan = run.ctx.state.facts.updatedSchedules?.includes(p.scheduleName) === true;
    const d = await waitScheduleNotPending(run, p.scheduleName, p.maxWaitSeconds, changedByPlan);
    return { status: 'done', detail: `${p.scheduleName} is ${d.MonitoringScheduleStatus ?? 'unknown'}` };
  },
});
