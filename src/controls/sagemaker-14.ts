import { step } from '../plans/plan.js';
import { SETTING_STEP_TITLES } from '../plans/steps.js';
import { evaluateScheduleFlag, namedDefinitionPlan } from './shared/schedules.js';
import { defineControl } from './types.js';

/**
 * SageMaker.14: network isolation of the schedule's embedded job definition ("false or not configured" fails).
 * Schedules that name a job definition are NOT_APPLICABLE: SageMaker.11/.12/.20/.25 evaluate the definition.
 */
export const sagemaker14 = defineControl({
  metadata: {
    id: 'SageMaker.14',
    title: 'SageMaker monitoring schedules should have network isolation enabled',
    severity: 'MEDIUM',
    resourceKind: 'monitoring-schedule',
    configRule: 'sagemaker-monitoring-schedule-isolation',
    checks: 'MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableNetworkIsolation',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'in-place',
  },
  evaluate(snapshot) {
    return evaluateScheduleFlag(snapshot, 'EnableNetworkIsolation');
  },
  plan(snapshot) {
    const named = namedDefinitionPlan(snapshot, 'SageMaker.14', 'EnableNetworkIsolation');
    if (named) return named;
    const name = snapshot.ref.name;
    const settings = { scheduleName: name, enableNetworkIsolation: true as const };
    return {
      kind: 'in-place',
      summary: `Turn on network isolation in the embedded job definition of monitoring schedule ${name} with UpdateMonitoringSchedule.`,
      disruption:
        `From its next run the monitoring container of ${name} gets no network access and no AWS credentials, ` +
        `which breaks containers that call out at run time (to S3 outside the VPC endpoints, to other AWS APIs, to package mirrors).`,
      allowedStates: ['Scheduled', 'Stopped', 'Failed'],
      steps: [
        step('update', 'schedule.update-network-config', SETTING_STEP_TITLES['schedule.update-network-config']!(settings), settings),
        step('wait', 'schedule.wait-not-pending', `Wait until \`${name}\` leaves Pending`, { scheduleName: name, maxWaitSeconds: 600 }),
      ],
      verify: { controlId: 'SageMaker.14' },
      rollback: `UpdateMonitoringSchedule on ${name} with EnableNetworkIsolation=false restores the previous setting.`,
    };
  },
});
