import type { ResourceSnapshot } from '../../aws/resources.js';
import type { RemediationPlan } from '../../plans/plan.js';
import type { Evaluation } from '../types.js';
import { FLAG_TEXT, type NetworkFlag } from './job-definitions.js';
import { manualPlan } from './plans.js';
import { result, subject, unknownDetail } from './wording.js';

/** Monitoring schedules (SageMaker.14, .22): the embedded job definition's flags. */

/** The control that evaluates a named job definition, per monitoring type and flag. */
export const DEFINITION_CONTROLS: Record<NetworkFlag, Record<string, string>> = {
  EnableNetworkIsolation: {
    DataQuality: 'SageMaker.11',
    ModelBias: 'SageMaker.12',
    ModelExplainability: 'SageMaker.20',
    ModelQuality: 'SageMaker.25',
  },
  EnableInterContainerTrafficEncryption: {
    DataQuality: 'SageMaker.9',
    ModelBias: 'SageMaker.15',
    ModelExplainability: 'SageMaker.10',
    ModelQuality: 'SageMaker.13',
  },
};

/** Evaluates a flag of the schedule's embedded job definition; a schedule that names a definition is NOT_APPLICABLE. */
export function evaluateScheduleFlag(snapshot: ResourceSnapshot<'monitoring-schedule'>, flag: NetworkFlag): Evaluation {
  const path = `MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.${flag}`;
  const detail = snapshot.detail;
  if (!detail) return unknownDetail(snapshot, path);
  const who = subject(snapshot.ref);
  const config = detail.MonitoringScheduleConfig;
  const embedded = config?.MonitoringJobDefinition;
  if (!embedded) {
    const named = config?.MonitoringJobDefinitionName;
    if (named) {
      const type = config?.MonitoringType ?? detail.MonitoringType;
      const control = type ? DEFINITION_CONTROLS[flag][type] : undefined;
      return result(
        'NOT_APPLICABLE',
        `${who} references job definition ${named} instead of embedding one, and that definition is evaluated by its own control${control ? ` (${control})` : ''}.`,
      );
    }
    return result('UNKNOWN', `${who} was not evaluated because its DescribeMonitoringSchedule output has neither an embedded MonitoringJobDefinition nor a MonitoringJobDefinitionName.`);
  }
  const value = embedded.NetworkConfig?.[flag];
  if (value === true) return result('PASSED', `${who} has ${FLAG_TEXT[flag]} enabled.`);
  return result(
    'FAILED',
    `${who} has ${FLAG_TEXT[flag]} ${value === false ? 'disabled' : `not configured (NetworkConfig.${flag} is absent)`}.`,
  );
}

/** For a schedule that names a definition, the fix belongs to the definition's control. */
export function namedDefinitionPlan(snapshot: ResourceSnapshot<'monitoring-schedule'>, controlId: string, flag: NetworkFlag): RemediationPlan | undefined {
  const config = snapshot.detail?.MonitoringScheduleConfig;
  if (config?.MonitoringJobDefinition || !config?.MonitoringJobDefinitionName) return undefined;
  const type = config.MonitoringType ?? snapshot.detail?.MonitoringType;
  const control = type ? DEFINITION_CONTROLS[flag][type] : undefined;
  return manualPlan({
    controlId,
    summary: `Monitoring schedule ${snapshot.ref.name} uses job definition ${config.MonitoringJobDefinitionName}; fix that definition through ${control ?? 'its own control'}.`,
    disruption: null,
    steps: [['definition', `Remediate job definition ${config.MonitoringJobDefinitionName} through ${control ?? 'its own control'}, which repoints this schedule.`]],
    rollback: null,
  });
}
