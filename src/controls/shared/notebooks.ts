import type { ResourceSnapshot } from '../../aws/resources.js';
import type { ControlParameters } from '../../config.js';
import { step, type RemediationPlan } from '../../plans/plan.js';
import { SETTING_STEP_TITLES, type OperationParams } from '../../plans/steps.js';
import { compliantName } from './names.js';
import { manualPlan } from './plans.js';
import { listText, planValue } from './wording.js';

/** The plans of the notebook instance controls (SageMaker.1, .2, .3, .8, .21). */

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
 * rebuilt by its owner. Never automatic: deleting a notebook deletes its ML storage volume, and what is on it.
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
  const settings = copied.map(([field, value]) => (value === undefined || value === '' ? field : `${field} (${planValue(value)})`));
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

  const settings: OperationParams['notebook.update'] = {
    notebookName: name,
    ...(fix === 'root-access' ? { RootAccess: 'Disabled' as const } : {}),
    ...(movePlatform && target !== undefined ? { PlatformIdentifier: target } : {}),
  };
  const update = step('update', 'notebook.update', SETTING_STEP_TITLES['notebook.update']!(settings), settings);

  // One sentence per change, worded the same whichever control asks for it: merged with the other notebook
  // control's plan (src/plans/merge.ts), each is said once.
  const al2 = platform?.startsWith('notebook-al2-') === true;
  const what = [
    ...(fix === 'root-access' ? [`Disable root access on notebook instance ${name}.`] : []),
    ...(movePlatform ? [`Move notebook instance ${name} from ${platform ?? 'its current platform'} to ${target}${al2 ? ' (a stopped AL2 notebook cannot be started again after 30 June 2026)' : ''}.`] : []),
  ];
  const undo = [
    `If a step fails, ${name} is started again when it was running before.`,
    ...(fix === 'root-access' ? [`While it is stopped, UpdateNotebookInstance with RootAccess=Enabled restores root access.`] : []),
    ...(movePlatform ? [`While it is stopped, UpdateNotebookInstance with PlatformIdentifier=${platform ?? '<previous value>'} restores the previous platform.`] : []),
  ];

  return {
    kind: 'in-place',
    summary: `${what.join(' ')} It is stopped, updated, and started again if it was running.`,
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
    rollback: undo.join(' '),
  };
}
