import type { MonitoringNetworkConfig, MonitoringResources } from '@aws-sdk/client-sagemaker';
import type { JobDefinitionKind, ResourceKind, ResourceRef, ResourceSnapshot } from '../aws/resources.js';
import { step, type PlanStep, type RemediationPlan } from '../plans/plan.js';
import type { Severity } from '../aws/resources.js';
import type { ControlParameters } from '../config.js';
import type { Control, Evaluation } from './types.js';

/* ------------------------------------------------------------------------------------------------------------------
 * Wording shared by every control: "SageMaker <kind> <name> …".
 * ---------------------------------------------------------------------------------------------------------------- */

export const KIND_LABELS: Record<ResourceKind, string> = {
  'notebook-instance': 'notebook instance',
  'data-quality-job-definition': 'data quality job definition',
  'model-quality-job-definition': 'model quality job definition',
  'model-bias-job-definition': 'model bias job definition',
  'model-explainability-job-definition': 'model explainability job definition',
  'monitoring-schedule': 'monitoring schedule',
  model: 'model',
  'endpoint-config': 'endpoint configuration',
  'feature-group': 'feature group',
  'inference-experiment': 'inference experiment',
  'app-image-config': 'app image configuration',
  image: 'image',
};

/** The Describe call whose output each kind is evaluated on (named in UNKNOWN reasons). */
export const DESCRIBE_CALLS: Record<ResourceKind, string> = {
  'notebook-instance': 'DescribeNotebookInstance',
  'data-quality-job-definition': 'DescribeDataQualityJobDefinition',
  'model-quality-job-definition': 'DescribeModelQualityJobDefinition',
  'model-bias-job-definition': 'DescribeModelBiasJobDefinition',
  'model-explainability-job-definition': 'DescribeModelExplainabilityJobDefinition',
  'monitoring-schedule': 'DescribeMonitoringSchedule',
  model: 'DescribeModel',
  'endpoint-config': 'DescribeEndpointConfig',
  'feature-group': 'DescribeFeatureGroup',
  'inference-experiment': 'DescribeInferenceExperiment',
  'app-image-config': 'DescribeAppImageConfig',
  image: 'DescribeImage',
};

/** "SageMaker notebook instance nb-1". */
export function subject(ref: ResourceRef): string {
  return `SageMaker ${KIND_LABELS[ref.kind]} ${ref.name}`;
}

function readErrorSuffix(snapshot: ResourceSnapshot): string {
  const codes = [...new Set((snapshot.readErrors ?? []).map((e) => e.code))];
  return codes.length > 0 ? ` (${codes.join(', ')})` : '';
}

/** UNKNOWN because the Describe output was not read. */
export function unknownDetail(snapshot: ResourceSnapshot, field: string): Evaluation {
  return {
    status: 'UNKNOWN',
    reason: `${subject(snapshot.ref)} was not evaluated because its ${DESCRIBE_CALLS[snapshot.ref.kind]} output (${field}) was not read${readErrorSuffix(snapshot)}.`,
  };
}

/** UNKNOWN because the tags were not read. */
export function unknownTags(snapshot: ResourceSnapshot): Evaluation {
  return {
    status: 'UNKNOWN',
    reason: `${subject(snapshot.ref)} was not evaluated because its tags (ListTags) were not read${readErrorSuffix(snapshot)}.`,
  };
}

export function result(status: Evaluation['status'], reason: string): Evaluation {
  return { status, reason };
}

/* ------------------------------------------------------------------------------------------------------------------
 * Names for recreated resources.
 * ---------------------------------------------------------------------------------------------------------------- */

/** SageMaker's name limit for notebooks, job definitions, endpoint configs, schedules and models. */
export const MAX_NAME_LENGTH = 63;
export const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * The name a compliant copy gets: `<name>-secure`, or `-secure-2`, `-secure-3`… when the name already carries the
 * suffix. Deterministic (a plan made twice names the same copy) and always a valid SageMaker name: the base is
 * truncated so the result stays within 63 characters, and never ends with a hyphen.
 */
export function compliantName(oldName: string): string {
  const match = /^(.+?)-secure(?:-(\d+))?$/.exec(oldName);
  let base = oldName;
  let suffix = '-secure';
  if (match?.[1]) {
    const next = match[2] === undefined ? 2n : BigInt(match[2]) + 1n;
    const numbered = `-secure-${next.toString()}`;
    if (numbered.length < MAX_NAME_LENGTH) {
      base = match[1];
      suffix = numbered;
    }
  }
  let cleaned = base.replace(/[^a-zA-Z0-9-]/g, '-').replace(/^-+/, '');
  cleaned = cleaned.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/-+$/, '');
  return `${cleaned === '' ? 'copy' : cleaned}${suffix}`;
}

/* ------------------------------------------------------------------------------------------------------------------
 * Plans.
 * ---------------------------------------------------------------------------------------------------------------- */

/** A plan a person carries out: every step is `manual`, the bot only shows it. */
export function manualPlan(input: {
  controlId: string;
  summary: string;
  disruption: string | null;
  steps: readonly (readonly [id: string, title: string])[];
  rollback: string | null;
}): RemediationPlan {
  return {
    kind: 'manual',
    summary: input.summary,
    disruption: input.disruption,
    allowedStates: [],
    steps: input.steps.map(([id, title]) => step(id, 'manual', title, {})),
    verify: { controlId: input.controlId },
    rollback: input.rollback,
  };
}

function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/* ------------------------------------------------------------------------------------------------------------------
 * Notebook instances (SageMaker.1, .2, .3, .8, .21).
 * ---------------------------------------------------------------------------------------------------------------- */

/** Instance families AL2023 notebooks do not support. */
export const AL2023_UNSUPPORTED_FAMILIES = ['p2', 'p3', 'p3dn', 'inf1', 'g3'] as const;

export function instanceFamily(instanceType: string | undefined): string | undefined {
  return instanceType?.split('.')[1];
}

export function isAl2023UnsupportedInstance(instanceType: string | undefined): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && (AL2023_UNSUPPORTED_FAMILIES as readonly string[]).includes(family);
}

const RUNNING_STATES = ['InService', 'Pending', 'Updating'];

function notebookName(snapshot: ResourceSnapshot<'notebook-instance'>): string {
  // Notebook ARNs are lower-cased; the Describe output keeps the real name.
  return snapshot.detail?.NotebookInstanceName ?? snapshot.ref.name;
}

/** Which of the recreate-only notebook controls the notebook currently fails, so one rebuild fixes them all. */
function immutableNotebookFailures(snapshot: ResourceSnapshot<'notebook-instance'>): string[] {
  const d = snapshot.detail;
  if (!d) return [];
  const failing: string[] = [];
  if (d.DirectInternetAccess !== 'Disabled') failing.push('SageMaker.1');
  if (!d.SubnetId) failing.push('SageMaker.2');
  if (!d.KmsKeyId) failing.push('SageMaker.21');
  return failing;
}

/**
 * SageMaker.1, .2, .21 (and AL1 notebooks for .3, .8): the setting cannot change after creation, so the notebook is
 * rebuilt by its owner. Never automatic: deleting a notebook deletes its ML storage volume (pitfall P5).
 */
export function notebookRebuildPlan(
  snapshot: ResourceSnapshot<'notebook-instance'>,
  params: ControlParameters,
  controlId: string,
  why: string,
): RemediationPlan {
  const name = notebookName(snapshot);
  const d = snapshot.detail;
  const newName = compliantName(name);
  const platform = params.supportedPlatformIdentifiers[0];
  const copied = [
    ['InstanceType', d?.InstanceType],
    ['RoleArn', d?.RoleArn],
    ['LifecycleConfigName', d?.NotebookInstanceLifecycleConfigName],
    ['VolumeSizeInGB', d?.VolumeSizeInGB],
    ['DefaultCodeRepository', d?.DefaultCodeRepository],
    ['AdditionalCodeRepositories', d?.AdditionalCodeRepositories?.join(', ')],
    ['AcceleratorTypes', d?.AcceleratorTypes?.join(', ')],
    ['InstanceMetadataServiceConfiguration', d?.InstanceMetadataServiceConfiguration?.MinimumInstanceMetadataServiceVersion
      ? `MinimumInstanceMetadataServiceVersion=${d.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion}`
      : undefined],
  ] as const;
  const settings = copied.map(([field, value]) => (value === undefined || value === '' ? field : `${field} (${value})`));
  const alsoFixed = immutableNotebookFailures(snapshot).filter((id) => id !== controlId);
  const together = alsoFixed.length > 0
    ? ` It also fails ${listText(alsoFixed)}, which the same rebuild fixes.`
    : ' SageMaker.1, .2 and .21 can only be fixed by a rebuild, so the new notebook gets all three settings right.';
  return manualPlan({
    controlId,
    summary: `Rebuild notebook instance ${name} with compliant settings, because ${why}.${together}`,
    disruption:
      `Deleting ${name} deletes its ML storage volume, so anything not backed up is lost, and users move to a new notebook ` +
      `(${newName}, unless the old one is deleted first to keep the name).`,
    steps: [
      ['agree', `Agree a maintenance window with the owner of ${name}: the notebook will be rebuilt and its ML storage volume deleted.`],
      [
        'backup',
        `Back up the SageMaker working directory of ${name} to S3 from a terminal on the notebook ` +
          `(e.g. \`aws s3 sync /home/ec2-user/SageMaker s3://<bucket>/${name}/\`), plus any conda environments the owner needs.`,
      ],
      [
        'record',
        `Record from DescribeNotebookInstance the settings to copy: ${settings.join(', ')}; and its tags (ListTags).`,
      ],
      [
        'create',
        `Create notebook ${newName} with CreateNotebookInstance using those settings plus DirectInternetAccess=Disabled, ` +
          `SubnetId and SecurityGroupIds in a custom VPC (with VPC endpoints or a NAT gateway for the access it needs), ` +
          `KmsKeyId set to a customer managed KMS key, RootAccess=Disabled` +
          (platform ? ` and PlatformIdentifier=${platform}` : '') +
          `; if its lifecycle configuration uses yum, move it to dnf first.`,
      ],
      ['migrate', `Restore the backup into /home/ec2-user/SageMaker on ${newName} and have the owner confirm their work opens and runs.`],
      ['delete', `Stop ${name} (StopNotebookInstance), then delete it (DeleteNotebookInstance) once the owner has confirmed the migration.`],
    ],
    rollback: `Keep ${name} stopped, not deleted, until ${newName} is confirmed; if the migration fails, start ${name} again and delete ${newName}.`,
  });
}

/**
 * SageMaker.3 (RootAccess) and .8 (PlatformIdentifier): stop, UpdateNotebookInstance, start again if it was running.
 * An AL2 notebook moves to the supported platform in the same update (after 1 July 2026 a stopped AL2 notebook
 * cannot be started again). AL1 notebooks and AL2 notebooks on instance types AL2023 lacks become manual.
 */
export function notebookUpdatePlan(
  snapshot: ResourceSnapshot<'notebook-instance'>,
  params: ControlParameters,
  controlId: string,
  fix: 'root-access' | 'platform',
): RemediationPlan {
  const name = notebookName(snapshot);
  const d = snapshot.detail;
  const platform = d?.PlatformIdentifier;
  const target = params.supportedPlatformIdentifiers[0];
  const status = d?.NotebookInstanceStatus;

  if (platform?.startsWith('notebook-al1-')) {
    return notebookRebuildPlan(snapshot, params, controlId, `it runs on ${platform}, which cannot be migrated in place`);
  }
  if (fix === 'platform' && target === undefined) {
    return manualPlan({
      controlId,
      summary: `No supported platform is configured, so notebook instance ${name} cannot be moved to one; set SUPPORTED_PLATFORMS to the platforms Security Hub accepts.`,
      disruption: null,
      steps: [['configure', 'Set SUPPORTED_PLATFORMS to the platform identifiers Security Hub accepts for SageMaker.8, then audit again.']],
      rollback: null,
    });
  }

  const movePlatform =
    target !== undefined &&
    platform !== target &&
    (fix === 'platform' || platform?.startsWith('notebook-al2-') === true);

  if (movePlatform && isAl2023UnsupportedInstance(d?.InstanceType)) {
    const goal = fix === 'root-access' ? `RootAccess=Disabled and PlatformIdentifier=${target}` : `PlatformIdentifier=${target}`;
    return manualPlan({
      controlId,
      summary:
        `Notebook instance ${name} runs on ${d?.InstanceType}, which ${target} does not support, so it cannot move in place; ` +
        `its owner must pick a supported instance type as part of the update.`,
      disruption:
        `The notebook stops (running kernels and in-memory state are lost), changes instance type and platform; ` +
        `yum-based lifecycle scripts must move to dnf, and ml.p2, ml.p3, ml.p3dn, ml.inf1 and ml.g3 are not available on ${target}.`,
      steps: [
        ['agree', `Agree with the owner of ${name} on a supported instance type to replace ${d?.InstanceType} (e.g. ml.g4dn or ml.g5 for GPU work).`],
        ['lifecycle', `Update its lifecycle configuration for ${target}: replace yum with dnf.`],
        ['stop', `Stop ${name} (StopNotebookInstance) and wait until it is Stopped.`],
        ['update', `UpdateNotebookInstance on ${name} with InstanceType=<the chosen type> and ${goal}.`],
        ['start', `Start ${name} (StartNotebookInstance) and have the owner check their environment.`],
      ],
      rollback: `While ${name} is stopped, UpdateNotebookInstance can set the previous InstanceType and PlatformIdentifier back (AL2 notebooks cannot be started after 30 June 2026).`,
    });
  }

  const running = status !== undefined && RUNNING_STATES.includes(status);
  const sentences: string[] = [];
  if (running) {
    sentences.push(`Notebook instance ${name} is ${status}: it is stopped and started again, so running kernels and in-memory state are lost (the ML storage volume is kept).`);
  } else if (status === 'Stopped') {
    sentences.push(`Notebook instance ${name} is Stopped and stays stopped; nothing running is interrupted.`);
  } else {
    sentences.push(
      `Notebook instance ${name} is ${status ?? 'in an unknown state'}: it is stopped before the update and started again only if it was running when the plan began, so running kernels and in-memory state may be lost.`,
    );
  }
  if (movePlatform) {
    sentences.push(
      `Its platform moves from ${platform ?? 'its current platform'} to ${target}: yum-based lifecycle scripts must use dnf, ` +
        `and ml.p2, ml.p3, ml.p3dn, ml.inf1 and ml.g3 instance types are not supported there.`,
    );
  }

  const update =
    fix === 'root-access'
      ? step('update', 'notebook.update', `Update notebook \`${name}\`: RootAccess=Disabled${movePlatform ? `, PlatformIdentifier=${target}` : ''}`, {
          notebookName: name,
          RootAccess: 'Disabled',
          ...(movePlatform && target !== undefined ? { PlatformIdentifier: target } : {}),
        })
      : step('update', 'notebook.update', `Update notebook \`${name}\`: PlatformIdentifier=${target}`, {
          notebookName: name,
          ...(target !== undefined ? { PlatformIdentifier: target } : {}),
        });

  const what =
    fix === 'root-access'
      ? `Disable root access on notebook instance ${name}${movePlatform ? ` and move it from ${platform} to ${target} in the same update (a stopped AL2 notebook cannot restart after 30 June 2026)` : ''}`
      : `Move notebook instance ${name} from ${platform ?? 'its current platform'} to ${target}`;

  return {
    kind: 'in-place',
    summary: `${what}: stop it, update it, and start it again if it was running.`,
    disruption: sentences.join(' '),
    allowedStates: ['InService', 'Stopped', 'Pending', 'Updating', 'Stopping'],
    steps: [
      step('stop', 'notebook.stop-if-running', `Stop notebook \`${name}\`${status ? ` (it is ${status})` : ''}`, { notebookName: name }),
      step('wait-stopped', 'notebook.wait-stopped', `Wait until \`${name}\` is Stopped`, { notebookName: name, maxWaitSeconds: 1800 }),
      update,
      step('start', 'notebook.start-if-was-running', `Start \`${name}\` again if it was running`, { notebookName: name }),
      step('wait-in-service', 'notebook.wait-in-service', `Wait until \`${name}\` is InService`, { notebookName: name, maxWaitSeconds: 1800 }),
    ],
    verify: { controlId },
    rollback:
      fix === 'root-access'
        ? `If a step fails, ${name} is started again when it was running before; while it is stopped, UpdateNotebookInstance with RootAccess=Enabled${movePlatform ? ` and PlatformIdentifier=${platform}` : ''} restores the previous settings.`
        : `If a step fails, ${name} is started again when it was running before; while it is stopped, UpdateNotebookInstance with PlatformIdentifier=${platform ?? '<previous value>'} restores the previous platform (AL2 notebooks cannot be started after 30 June 2026).`,
  };
}

/* ------------------------------------------------------------------------------------------------------------------
 * Model Monitor job definitions (SageMaker.9, .10, .11, .12, .13, .15, .20, .25): one factory.
 * ---------------------------------------------------------------------------------------------------------------- */

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
 * How the instance count is used (pitfall P1):
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
  const label = KIND_LABELS[kind];
  const name = snapshot.ref.name;
  const newName = compliantName(name);
  const other: NetworkFlag = flag === 'EnableNetworkIsolation' ? 'EnableInterContainerTrafficEncryption' : 'EnableNetworkIsolation';
  const single =
    flag === 'EnableInterContainerTrafficEncryption' && instanceCount === 1
      ? ' It runs on a single instance: if Security Hub does not report it, accepting the risk with a note is an alternative (pitfall P1).'
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
    summary:
      `Recreate ${label} ${name} as ${newName} with ${FLAG_TEXT[flag]} enabled, and ${FLAG_TEXT[other]} too since it is recreated anyway, ` +
      `point its monitoring schedules at the copy and delete the original.`,
    disruption:
      `The job definition gets a new name (${newName}), and with network isolation its container can no longer reach the network ` +
      `or use AWS credentials, which breaks monitoring containers that call out at run time (pitfall P6).${single}`,
    allowedStates: [],
    steps,
    verify: { controlId, resourceName: newName },
    rollback: 'Schedules are pointed back at the original definition and the new one is deleted; the saved copy allows recreating a deleted original.',
  };
}

/* ------------------------------------------------------------------------------------------------------------------
 * Tags (SageMaker.6, .7): one factory.
 * ---------------------------------------------------------------------------------------------------------------- */

export function userTagKeys(tags: Record<string, string>): string[] {
  return Object.keys(tags).filter((k) => !k.toLowerCase().startsWith('aws:'));
}

export function missingTagKeys(tags: Record<string, string> | undefined, required: readonly string[]): string[] {
  const present = new Set(userTagKeys(tags ?? {}));
  return required.filter((k) => !present.has(k));
}

export interface TagControlSpec<K extends ResourceKind> {
  id: string;
  title: string;
  resourceKind: K;
  configRule: string;
}

export function tagControl<K extends ResourceKind>(spec: TagControlSpec<K>): Control<K> {
  const label = KIND_LABELS[spec.resourceKind];
  return {
    metadata: {
      id: spec.id,
      title: spec.title,
      severity: 'LOW',
      resourceKind: spec.resourceKind,
      configRule: spec.configRule,
      checks: 'tags',
      evidence: { describe: false, tags: true },
      parameters: ['requiredTagKeys', 'remediationTagValues'],
      schedule: 'change-triggered',
      remediation: 'in-place',
    },
    evaluate(snapshot, params) {
      if (!snapshot.tags) return unknownTags(snapshot);
      const who = subject(snapshot.ref);
      const keys = userTagKeys(snapshot.tags);
      if (params.requiredTagKeys.length === 0) {
        return keys.length > 0
          ? result('PASSED', `${who} has ${keys.length} tag${keys.length === 1 ? '' : 's'} besides aws: system tags.`)
          : result('FAILED', `${who} has no tags besides aws: system tags.`);
      }
      const missing = missingTagKeys(snapshot.tags, params.requiredTagKeys);
      return missing.length === 0
        ? result('PASSED', `${who} has all required tag keys (${params.requiredTagKeys.join(', ')}).`)
        : result('FAILED', `${who} is missing required tag key${missing.length === 1 ? '' : 's'} ${missing.join(', ')}.`);
    },
    plan(snapshot, params) {
      const arn = snapshot.ref.arn;
      const name = snapshot.ref.name;
      if (params.requiredTagKeys.length === 0) {
        return manualPlan({
          controlId: spec.id,
          summary: `No required tag keys are configured, so the bot does not know which tag to add to ${label} ${name}; add one by hand or configure REQUIRED_TAG_KEYS and REMEDIATION_TAGS.`,
          disruption: null,
          steps: [
            ['configure', 'Set REQUIRED_TAG_KEYS (the requiredKeyTags of the control) and a value for each key in REMEDIATION_TAGS (Key=value,…), then audit again.'],
            ['tag', `Or add at least one tag that does not start with aws: to ${label} ${name} (AddTags on ${arn}).`],
          ],
          rollback: null,
        });
      }
      const missing = missingTagKeys(snapshot.tags, params.requiredTagKeys);
      const unvalued = missing.filter((k) => params.remediationTagValues[k] === undefined);
      if (unvalued.length > 0) {
        return manualPlan({
          controlId: spec.id,
          summary: `${label[0]?.toUpperCase()}${label.slice(1)} ${name} is missing ${missing.join(', ')}, and REMEDIATION_TAGS has no value for ${unvalued.join(', ')}.`,
          disruption: null,
          steps: [
            ['configure', `Add ${unvalued.map((k) => `${k}=<value>`).join(',')} to REMEDIATION_TAGS so the bot can add the tags, then audit again.`],
            ['tag', `Or add ${missing.join(', ')} to ${label} ${name} by hand (AddTags on ${arn}).`],
          ],
          rollback: null,
        });
      }
      const tags: Record<string, string> = {};
      for (const k of missing) tags[k] = params.remediationTagValues[k] ?? '';
      return {
        kind: 'in-place',
        summary:
          missing.length === 0
            ? `${label[0]?.toUpperCase()}${label.slice(1)} ${name} already has every required tag; nothing to add.`
            : `Add the missing tag${missing.length === 1 ? '' : 's'} ${missing.map((k) => `${k}=${tags[k]}`).join(', ')} to ${label} ${name}.`,
        disruption: null,
        allowedStates: [],
        steps: missing.length === 0 ? [] : [step('tag', 'tags.add', `Add tags ${missing.join(', ')} to \`${name}\``, { resourceArn: arn, tags })],
        verify: { controlId: spec.id },
        rollback: null,
      };
    },
  };
}

/* ------------------------------------------------------------------------------------------------------------------
 * Monitoring schedules (SageMaker.14, .22).
 * ---------------------------------------------------------------------------------------------------------------- */

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
