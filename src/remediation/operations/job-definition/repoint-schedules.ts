import { defineOperation, sagemakerCalls } from '../define.js';
import { describeSchedule, schedulesUsing, waitScheduleNotPending } from '../monitoring-schedules.js';
import { addUnique } from '../step-run.js';
import { pointScheduleAt } from './swap.js';

export const schedulesRepoint = defineOperation({
  name: 'schedules.repoint',
  description: 'Point every monitoring schedule that uses the old definition at the new one',
  ...sagemakerCalls({ reads: ['ListMonitoringSchedules', 'DescribeMonitoringSchedule'], writes: ['UpdateMonitoringSchedule'] }),
  destructive: false,
  async run(run, p) {
    const facts = run.ctx.state.facts;
    const using = await schedulesUsing(run, p.kind, p.oldName);
    const moved: string[] = [];
    for (const name of using) {
      let d = await describeSchedule(run, name);
      if (!d) continue;
      if (d.MonitoringScheduleConfig?.MonitoringJobDefinitionName === p.newName) continue;
      if (d.MonitoringScheduleStatus === 'Pending' && !run.dryRun) d = await waitScheduleNotPending(run, name, run.ctx.defaultMaxWaitSeconds);
      if (!run.dryRun) {
        facts.repointed = addUnique(facts.repointed, name);
        await run.ctx.persist();
      }
      await pointScheduleAt(run, p.kind, d, p.newName);
      moved.push(name);
    }
    const already = (facts.repointed ?? []).filter((n) => !moved.includes(n));
    if (moved.length === 0) {
      return run.skipped(using.length === 0 && already.length === 0 ? `no schedule uses ${p.oldName}` : `every schedule already points at ${p.newName}`);
    }
    return run.acted(`pointed ${moved.length} schedule(s) at ${p.newName}: ${moved.join(', ')}`);
  },
});
