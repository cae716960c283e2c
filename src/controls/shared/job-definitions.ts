import type { MonitoringNetworkConfig, MonitoringResources } from '@aws-sdk/client-sagemaker';
import { KINDS } from '../../aws/kinds/index.js';
import type { JobDefinitionKind, ResourceSnapshot, Severity } from '../../aws/resources.js';
import { step, type PlanStep, type RemediationPlan } from '../../plans/plan.js';
import type { Control } from '../types.js';
import { compliantName } from './names.js';
import { result, subject, unknownDetail } from './wording.js';

/** Model Monitor job definitions (SageMaker.9, .10, .11, .12, .13, .15, .20, .25): one factory. */

export type NetworkFlag = 'EnableNetworkIsolation' | 'EnableInterContainerTrafficEncryption';

export const FLAG_TEXT: Record<NetworkFlag, string> = {
  EnableNetworkIsolation: 'network isolation',
  EnableInterContainerTrafficEncryption: 'inter-container traffic encryption',
};

/** The part of the four job definition Describe outputs these controls read. */
interface JobDefinitionDetail {
  NetworkConfig?: MonitoringNetworkConfig | undefined;
  JobResources?: MonitoringResources | undefined;
}

/**
 * How the instance count is used (the Config rules behind these controls are scoped to definitions with 2 or more
 * instances, while the control texts are not):
 * - `two-or-more`: the control text scopes it to 2+ instances (SageMaker.15): fewer is NOT_APPLICABLE;
 * - `mention-single`: evaluated regardless, InstanceCount 1 is named in the reason (SageMaker.9, .10, .13);
 * - `ignore`: network isolation controls.
 */
export type InstanceCountRule = 'two-or-more' | 'mention-single' | 'ignore';

export interface JobDefinitionControlSpec<K extends JobDefinitionKind> {
  id: string;
  title: string;
  severity: Severity;
  resourceKind: K;
  configRule: string;
  flag: NetworkFlag;
  instanceCount: InstanceCountRule;
}

export function jobDefinitionFlagControl<K extends JobDefinitionKind>(spec: JobDefinitionControlSpec<K>): Control<K> {
  const text = FLAG_TEXT[spec.flag];
  return {
    metadata: {
      id: spec.id,
      title: spec.title,
      severity: spec.severity,
      resourceKind: spec.resourceKind,
      configRule: spec.configRule,
      checks:
        `NetworkConfig.${spec.flag}` + (spec.instanceCount === 'ignore' ? '' : ' (and JobResources.ClusterConfig.InstanceCount)'),
      evidence: { describe: true, tags: false },
      parameters: [],
      schedule: 'change-triggered',
      remediation: 'recreate',
    },
    evaluate(snapshot) {
      const detail = snapshot.detail as JobDefinitionDetail | undefined;
      if (!detail) return unknownDetail(snapshot, `NetworkConfig.${spec.flag}`);
      const who = subject(snapshot.ref);
      const value = detail.NetworkConfig?.[spec.flag];
      const count = detail.JobResources?.ClusterConfig?.InstanceCount;
      if (spec.instanceCount === 'two-or-more' && count !== undefined && count < 2) {
        return result(
          'NOT_APPLICABLE',
          `${who} runs on ${count} instance${count === 1 ? '' : 's'}, and ${spec.id} applies only to job definitions with an instance count of 2 or greater.`,
        );
      }
      if (value === true) return result('PASSED', `${who} has ${text} enabled.`);
      const how = value === false ? 'disabled' : `not configured (NetworkConfig.${spec.flag} is absent, which means disabled)`;
      const single =
        spec.instanceCount === 'mention-single' && count === 1
          ? ' with InstanceCount 1 (the Config rule text only scopes definitions with 2 or more instances, so Security Hub may not report it)'
          : '';
      return result('FAILED', `${who} has ${text} ${how}${single}.`);
    },
    plan(snapshot) {
      const detail = snapshot.detail as JobDefinitionDetail | undefined;
      return recreateJobDefinitionPlan(snapshot, spec.id, spec.flag, detail?.JobResources?.ClusterConfig?.InstanceCount);
    },
  };
}

/** Job definitions cannot be updated: copy under a new name with both flags on, repoint schedules, delete the old. */
export function recreateJobDefinitionPlan(
  snapshot: ResourceSnapshot<JobDefinitionKind>,
  controlId: string,
  flag: NetworkFlag,
  instanceCount?: number,
): RemediationPlan {
  const kind = snapshot.ref.kind;
  const label = KINDS[kind].label;
  const name = snapshot.ref.name;
  const newName = compliantName(name);
  const single =
    flag === 'EnableInterContainerTrafficEncryption' && instanceCount === 1
      ? ' It runs on a single instance, where there is no traffic between containers to encrypt: if Security Hub does not report it, accepting the risk with a note is an alternative.'
      : '';
  const steps: PlanStep[] = [
    step('snapshot', 'job-definition.snapshot', `Save a full copy of ${label} \`${name}\` and its tags`, { kind, name }),
    step('create', 'job-definition.create-compliant', `Create \`${newName}\` with network isolation and inter-container traffic encryption on`, {
      kind,
      sourceName: name,
      newName,
      enableNetworkIsolation: true,
      enableInterContainerTrafficEncryption: true,
    }),
    step('repoint', 'schedules.repoint', `Point the monitoring schedules that use \`${name}\` at \`${newName}\``, { kind, oldName: name, newName }),
    step('wait', 'schedules.wait-not-pending', `Wait until those schedules leave Pending`, { kind, definitionName: newName, maxWaitSeconds: 600 }),
    step('delete-old', 'job-definition.delete-if-unused', `Delete \`${name}\` once no schedule uses it`, { kind, name }),
  ];
  return {
    kind: 'recreate',
    // The same words for every flag control of the definition: merged plans say it once.
    summary: `Recreate ${label} ${name} as ${newName} with network isolation and inter-container traffic encryption enabled, point its monitoring schedules at the copy and delete the original.`,
    disruption:
      `The job definition gets a new name (${newName}), and with network isolation its container can no longer reach the network ` +
      `or use AWS credentials, which breaks monitoring containers that call out at run time (to S3 outside the VPC endpoints, to other AWS APIs, to package mirrors).${single}`,
    allowedStates: [],
    steps,
    verify: { controlId, resourceName: newName },
    rollback: 'Schedules are pointed back at the original definition and the new one is deleted; the saved copy allows recreating a deleted original.',
  };
}
