import { UpdateMonitoringScheduleCommand } from '@aws-sdk/client-sagemaker';
import type { MonitoringScheduleConfig } from '@aws-sdk/client-sagemaker';
import { PlanStoppedError } from '../../errors.js';
import { kmsThroughSageMaker, passExecutionRole } from '../../../aws/permissions.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { requireSchedule, waitScheduleNotPending } from '../monitoring-schedules.js';
import { addUnique, copyKey, nowIso, toJson } from '../step-run.js';

/**
 * Monitoring schedule in place (SageMaker.14): UpdateMonitoringSchedule with the full existing
 * MonitoringScheduleConfig and the flag set on the embedded job definition's NetworkConfig.
 */
export const scheduleUpdateNetworkConfig = defineOperation({
  name: 'schedule.update-network-config',
  description: 'UpdateMonitoringSchedule with the compliant NetworkConfig on its embedded job definition',
  ...sagemakerCalls(
    { reads: ['DescribeMonitoringSchedule'], writes: ['UpdateMonitoringSchedule'] },
    passExecutionRole("UpdateMonitoringSchedule hands SageMaker the embedded job definition's RoleArn"),
    ...kmsThroughSageMaker('the embedded job definition keeps the KmsKeyId of its outputs and volumes; granted as for the processing jobs it runs'),
  ),
  destructive: false,
  async run(run, p) {
    const name = p.scheduleName;
    let d = await requireSchedule(run, name);
    if (d.MonitoringScheduleStatus === 'Pending' && !run.dryRun) d = await waitScheduleNotPending(run, name, run.ctx.defaultMaxWaitSeconds, run.ctx.state.facts.updatedSchedules?.includes(name) === true);
    const config = d.MonitoringScheduleConfig;
    const embedded = config?.MonitoringJobDefinition;
    if (!config || !embedded) {
      throw new PlanStoppedError(`monitoring schedule ${name} has no embedded job definition to update; fix the job definition it names instead`, 'NoEmbeddedDefinition');
    }
    const network = embedded.NetworkConfig ?? {};
    const change: Record<string, true> = {};
    if (p.enableNetworkIsolation && network.EnableNetworkIsolation !== true) change.EnableNetworkIsolation = true;
    if (p.enableInterContainerTrafficEncryption && network.EnableInterContainerTrafficEncryption !== true) change.EnableInterContainerTrafficEncryption = true;
    if (Object.keys(change).length === 0) return run.skipped(`${name} already has ${Object.keys(p).filter((k) => k !== 'scheduleName').join(', ')} on`);

    // The copy of the schedule as it was, before the change (also what a person needs to undo it).
    const key = copyKey('monitoring-schedule', name);
    if (!run.ctx.state.savedCopies[key]) {
      run.ctx.state.savedCopies[key] = { kind: 'monitoring-schedule', name, ...(d.MonitoringScheduleArn ? { arn: d.MonitoringScheduleArn } : {}), detail: toJson(d), tags: {}, savedAt: nowIso(run.ctx) };
      if (!run.dryRun) await run.ctx.persist();
    }
    const updated: MonitoringScheduleConfig = { ...config, MonitoringJobDefinition: { ...embedded, NetworkConfig: { ...network, ...change } } };
    if (!run.dryRun) {
      run.ctx.state.facts.updatedSchedules = addUnique(run.ctx.state.facts.updatedSchedules, name);
      await run.ctx.persist();
    }
    await run.mutate('UpdateMonitoringSchedule', { MonitoringScheduleName: name, ...change }, () =>
      run.client.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig: updated })),
    );
    return run.acted(`UpdateMonitoringSchedule on ${name}: ${Object.keys(change).map((k) => `${k}=true`).join(', ')} (rest of the config unchanged)`);
  },
});
