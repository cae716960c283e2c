import { UpdateMonitoringScheduleCommand } from '@aws-sdk/client-sagemaker';
import type { DescribeMonitoringScheduleResponse } from '@aws-sdk/client-sagemaker';
import { JOB_DEFINITIONS } from '../../../aws/kinds/index.js';
import type { JobDefinitionKind } from '../../../aws/resources.js';
import { describeSchedule, schedulesUsing, waitScheduleNotPending } from '../monitoring-schedules.js';
import { madeByThisPlan, removeCopyIfUnused, restoreOriginal } from '../recreate.js';
import type { StepRun } from '../step-run.js';

/**
 * Model Monitor job definitions cannot be updated, so a fix is a swap (SageMaker.9/.10/.11/.12/.13/.15/.20/.25):
 * snapshot → create the compliant copy under a new name → repoint every schedule → wait until they leave Pending →
 * delete the old only when nothing references it. This module holds what the swap's steps share and its undo.
 */

/** Points one schedule at `definition`, keeping its cron (ScheduleConfig) and type. */
export async function pointScheduleAt(run: StepRun, kind: JobDefinitionKind, d: DescribeMonitoringScheduleResponse, definition: string): Promise<void> {
  const name = d.MonitoringScheduleName ?? '';
  const config = d.MonitoringScheduleConfig ?? {};
  const MonitoringScheduleConfig = {
    MonitoringJobDefinitionName: definition,
    MonitoringType: config.MonitoringType ?? d.MonitoringType ?? JOB_DEFINITIONS[kind].monitoringType,
    ...(config.ScheduleConfig ? { ScheduleConfig: config.ScheduleConfig } : {}),
  };
  await run.mutate('UpdateMonitoringSchedule', { MonitoringScheduleName: name, MonitoringJobDefinitionName: definition }, () =>
    run.client.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig })),
  );
}

/**
 * Undo a swap from any point. Afterwards every schedule points at a definition that exists and no definition is
 * lost: the original is recreated from its saved copy if it was deleted, schedules pointing at the new definition
 * go back to the original, and the new definition is deleted when this plan created it and nothing uses it.
 */
export async function rollbackDefinitionSwap(run: StepRun, swap: { kind: JobDefinitionKind; oldName: string; newName: string }): Promise<string[]> {
  if (run.dryRun) return [];
  const { kind, oldName, newName } = swap;
  const descriptor = JOB_DEFINITIONS[kind];
  const done = await restoreOriginal(run, descriptor, oldName);

  // Schedules this plan repointed (recorded before each call), plus, when the new definition is ours, any schedule
  // on it, go back to the original. A same-named definition that was not ours keeps its schedules.
  const ours = madeByThisPlan(run, newName);
  const onNew = new Set([...(ours ? await schedulesUsing(run, kind, newName) : []), ...(run.ctx.state.facts.repointed ?? [])]);
  const back: string[] = [];
  for (const name of onNew) {
    let d = await describeSchedule(run, name);
    if (!d || d.MonitoringScheduleConfig?.MonitoringJobDefinitionName !== newName) continue;
    if (d.MonitoringScheduleStatus === 'Pending') d = await waitScheduleNotPending(run, name, run.ctx.defaultMaxWaitSeconds);
    await pointScheduleAt(run, kind, d, oldName);
    back.push(name);
  }
  if (back.length > 0) done.push(`pointed ${back.length} schedule(s) back at ${oldName}: ${back.join(', ')}`);
  done.push(...(await removeCopyIfUnused(run, descriptor, newName, ours ? await schedulesUsing(run, kind, newName) : [])));
  return done;
}
