import { compliantName } from './shared/names.js';
import { evaluateScheduleFlag, namedDefinitionPlan } from './shared/schedules.js';
import { manualPlan } from './shared/plans.js';
import { defineControl } from './types.js';

/**
 * SageMaker.22: inter-container traffic encryption of the schedule's embedded job definition. AWS: it "cannot be
 * updated in place" on an existing schedule, so the fix is a manual delete-and-recreate.
 */
export const sagemaker22 = defineControl({
  metadata: {
    id: 'SageMaker.22',
    title: 'SageMaker monitoring schedules should have inter-container traffic encryption enabled',
    severity: 'MEDIUM',
    resourceKind: 'monitoring-schedule',
    configRule: 'sagemaker-monitoring-schedule-traffic-encryption',
    checks: 'MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableInterContainerTrafficEncryption',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    return evaluateScheduleFlag(snapshot, 'EnableInterContainerTrafficEncryption');
  },
  plan(snapshot) {
    const named = namedDefinitionPlan(snapshot, 'SageMaker.22', 'EnableInterContainerTrafficEncryption');
    if (named) return named;
    const name = snapshot.ref.name;
    const newName = compliantName(name);
    const endpoint = snapshot.detail?.EndpointName;
    return manualPlan({
      controlId: 'SageMaker.22',
      summary: `Recreate monitoring schedule ${name} with EnableInterContainerTrafficEncryption=true in its embedded job definition, since AWS does not allow changing it in place.`,
      disruption:
        `Monitoring${endpoint ? ` of endpoint ${endpoint}` : ''} stops between deleting and recreating the schedule, ` +
        `and the schedule may need a new name (${newName}); its execution history stays with the old name.`,
      steps: [
        ['record', `Save the DescribeMonitoringSchedule output of ${name} (ScheduleConfig, MonitoringJobDefinition, EndpointName) and its tags (ListTags).`],
        ['stop', `Stop ${name} (StopMonitoringSchedule) and let a running execution finish.`],
        ['delete', `Delete ${name} (DeleteMonitoringSchedule).`],
        [
          'create',
          `Create it again (CreateMonitoringSchedule, as ${name} or ${newName} if the name is not free) with the saved configuration and ` +
            `NetworkConfig.EnableInterContainerTrafficEncryption=true in the MonitoringJobDefinition (old SageMaker Python SDK versions refuse this flag: use the API or a current SDK).`,
        ],
        ['check', `Check that the new schedule reaches Scheduled and its next execution completes.`],
      ],
      rollback: `Recreate the schedule from the saved DescribeMonitoringSchedule output.`,
    });
  },
});
