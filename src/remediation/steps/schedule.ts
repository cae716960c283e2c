import { DescribeMonitoringScheduleCommand, UpdateMonitoringScheduleCommand } from '@aws-sdk/client-sagemaker';
import type { DescribeMonitoringScheduleResponse, MonitoringScheduleConfig } from '@aws-sdk/client-sagemaker';
import { PlanStoppedError, RemediationError, isNotFound } from '../errors.js';
import type { OperationParams } from '../operations.js';
import { addUnique, copyKey, nowIso, pollUntil, toJson } from './common.js';
import type { PollVerdict, StepOutcome, StepRun } from './common.js';

/**
 * Monitoring schedule in place (SageMaker.14): UpdateMonitoringSchedule with the full existing
 * MonitoringScheduleConfig and the flag set on the embedded job definition's NetworkConfig.
 */

async function describe(run: StepRun, name: string): Promise<DescribeMonitoringScheduleResponse> {
  const d = await run.readOptional(
    'DescribeMonitoringSchedule',
    () => run.client.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name })),
    isNotFound,
  );
  if (!d) throw new PlanStoppedError(`monitoring schedule ${name} no longer exists`, 'ResourceNotFound');
  return d;
}

function waitNotPending(run: StepRun, name: string, maxWaitSeconds: number): Promise<DescribeMonitoringScheduleResponse> {
  return pollUntil(run.ctx, `monitoring schedule ${name} to leave Pending`, maxWaitSeconds, async (): Promise<PollVerdict<DescribeMonitoringScheduleResponse>> => {
    const d = await describe(run, name);
    const status = d.MonitoringScheduleStatus ?? 'unknown';
    if (status === 'Pending') return { state: 'retry', status };
    if (status === 'Failed' && run.ctx.state.facts.updatedSchedules?.includes(name)) {
      return { state: 'failure', message: `monitoring schedule ${name} is Failed after the update${d.FailureReason ? `: ${d.FailureReason}` : ''}`, code: 'ScheduleFailed' };
    }
    return { state: 'success', value: d };
  });
}

export async function updateNetworkConfig(run: StepRun, p: OperationParams['schedule.update-network-config']): Promise<StepOutcome> {
  const name = p.scheduleName;
  let d = await describe(run, name);
  if (d.MonitoringScheduleStatus === 'Pending' && !run.dryRun) d = await waitNotPending(run, name, run.ctx.defaultMaxWaitSeconds);
  const config = d.MonitoringScheduleConfig;
  const embedded = config?.MonitoringJobDefinition;
  if (!config || !embedded) {
    throw new PlanStoppedError(`monitoring schedule ${name} has no embedded job definition to update; fix the job definition it names instead`, 'NoEmbeddedDefinition');
  }
  const network = embedded.NetworkConfig ?? {};
  const change: Record<string, true> = {};
  if (p.enableNetworkIsolation && network.EnableNetworkIsolation !== true) change.EnableNetworkIsolation = true;
  if (p.enableInterContainerTrafficEncryption && network.EnableInterContainerTrafficEncryption !== true) {
    change.EnableInterContainerTrafficEncryption = true;
  }
  if (Object.keys(change).length === 0) return run.skipped(`${name} already has ${Object.keys(p).filter((k) => k !== 'scheduleName').join(', ')} on`);

  // The copy of the schedule as it was, before the change (also what a person needs to undo it).
  const key = copyKey('monitoring-schedule', name);
  if (!run.ctx.state.savedCopies[key]) {
    run.ctx.state.savedCopies[key] = { kind: 'monitoring-schedule', name, ...(d.MonitoringScheduleArn ? { arn: d.MonitoringScheduleArn } : {}), detail: toJson(d), tags: {}, savedAt: nowIso(run.ctx) };
    if (!run.dryRun) await run.ctx.persist();
  }
  const updated: MonitoringScheduleConfig = {
    ...config,
    MonitoringJobDefinition: { ...embedded, NetworkConfig: { ...network, ...change } },
  };
  if (!run.dryRun) {
    run.ctx.state.facts.updatedSchedules = addUnique(run.ctx.state.facts.updatedSchedules, name);
    await run.ctx.persist();
  }
  await run.mutate('UpdateMonitoringSchedule', { MonitoringScheduleName: name, ...change }, () =>
    run.client.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig: updated })),
  );
  return run.acted(`UpdateMonitoringSchedule on ${name}: ${Object.keys(change).map((k) => `${k}=true`).join(', ')} (rest of the config unchanged)`);
}

export async function waitScheduleNotPending(run: StepRun, p: OperationParams['schedule.wait-not-pending']): Promise<StepOutcome> {
  if (run.dryRun) {
    const d = await describe(run, p.scheduleName);
    return d.MonitoringScheduleStatus === 'Pending'
      ? { status: 'dry-run', detail: `would wait until ${p.scheduleName} leaves Pending (at most ${p.maxWaitSeconds} s)` }
      : run.skipped(`${p.scheduleName} is ${d.MonitoringScheduleStatus ?? 'unknown'}`);
  }
  const d = await waitNotPending(run, p.scheduleName, p.maxWaitSeconds);
  if (d.MonitoringScheduleStatus === 'Failed' && run.ctx.state.facts.updatedSchedules?.includes(p.scheduleName)) {
    throw new RemediationError(`monitoring schedule ${p.scheduleName} is Failed after the update`, 'ScheduleFailed', false);
  }
  return { status: 'done', detail: `${p.scheduleName} is ${d.MonitoringScheduleStatus ?? 'unknown'}` };
}
