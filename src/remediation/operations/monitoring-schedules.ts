import { DescribeMonitoringScheduleCommand, paginateListMonitoringSchedules } from '@aws-sdk/client-sagemaker';
import type { DescribeMonitoringScheduleResponse } from '@aws-sdk/client-sagemaker';
import { JOB_DEFINITIONS } from '../../aws/kinds/index.js';
import type { JobDefinitionKind } from '../../aws/resources.js';
import { isNotFound } from '../../aws/errors.js';
import { PlanStoppedError } from '../errors.js';
import { pollUntil } from './step-run.js';
import type { PollVerdict, StepRun } from './step-run.js';

/** Monitoring schedule reads and waits shared by the job definition swap and the in-place schedule fix. */

export function describeSchedule(run: StepRun, name: string): Promise<DescribeMonitoringScheduleResponse | undefined> {
  return run.readOptional('DescribeMonitoringSchedule', () => run.client.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name })), isNotFound);
}

export async function requireSchedule(run: StepRun, name: string): Promise<DescribeMonitoringScheduleResponse> {
  const d = await describeSchedule(run, name);
  if (!d) throw new PlanStoppedError(`monitoring schedule ${name} no longer exists`, 'ResourceNotFound');
  return d;
}

/**
 * Polls until the schedule leaves Pending. `failedIsFailure` decides whether a Failed schedule ends the wait as a
 * failure (one this plan changed) or as a settled state (one that was Failed before).
 */
export function waitScheduleNotPending(run: StepRun, name: string, maxWaitSeconds: number, failedIsFailure = true): Promise<DescribeMonitoringScheduleResponse> {
  return pollUntil(run.ctx, `monitoring schedule ${name} to leave Pending`, maxWaitSeconds, async (): Promise<PollVerdict<DescribeMonitoringScheduleResponse>> => {
    const d = await describeSchedule(run, name);
    if (!d) return { state: 'failure', message: `monitoring schedule ${name} no longer exists`, code: 'ResourceNotFound' };
    const status = d.MonitoringScheduleStatus ?? 'unknown';
    if (status === 'Pending') return { state: 'retry', status };
    if (status === 'Failed' && failedIsFailure) {
      return { state: 'failure', message: `monitoring schedule ${name} is Failed${d.FailureReason ? `: ${d.FailureReason}` : ''}`, code: 'ScheduleFailed' };
    }
    return { state: 'success', value: d };
  });
}

/** Schedules whose MonitoringJobDefinitionName is `name` (ListMonitoringSchedules filter, paginated). */
export async function schedulesUsing(run: StepRun, kind: JobDefinitionKind, name: string): Promise<string[]> {
  const type = JOB_DEFINITIONS[kind].monitoringType;
  const names: string[] = [];
  await run.read('ListMonitoringSchedules', async () => {
    for await (const page of paginateListMonitoringSchedules({ client: run.client, pageSize: 100 }, { MonitoringJobDefinitionName: name, MonitoringTypeEquals: type })) {
      for (const s of page.MonitoringScheduleSummaries ?? []) {
        // The filter is trusted but checked: a schedule is only touched when it really names this definition.
        const sameName = s.MonitoringJobDefinitionName === undefined || s.MonitoringJobDefinitionName === name;
        const sameType = s.MonitoringType === undefined || s.MonitoringType === type;
        if (s.MonitoringScheduleName && sameName && sameType) names.push(s.MonitoringScheduleName);
      }
    }
  });
  return names;
}
