import { manualPlan } from './shared/plans.js';
import { result, subject, unknownDetail } from './shared/wording.js';
import { defineControl } from './types.js';

/** SageMaker.23: the experiment's instance storage volume must use a customer managed KMS key (top-level KmsKey). */
export const sagemaker23 = defineControl({
  metadata: {
    id: 'SageMaker.23',
    title: 'SageMaker inference experiments should have instance storage volume encrypted with customer managed AWS KMS keys',
    severity: 'MEDIUM',
    resourceKind: 'inference-experiment',
    configRule: 'sagemaker-inf-experiment-instance-storage-kms-encrypted',
    checks: 'KmsKey',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'KmsKey');
    const who = subject(snapshot.ref);
    return detail.KmsKey
      ? result('PASSED', `${who} encrypts its instance storage volumes with KMS key ${detail.KmsKey}.`)
      : result('FAILED', `${who} has no KmsKey, so its instance storage volumes are not encrypted with a customer managed KMS key.`);
  },
  plan(snapshot) {
    const name = snapshot.ref.name;
    const status = snapshot.detail?.Status;
    return manualPlan({
      controlId: 'SageMaker.23',
      summary: `The KMS key of inference experiment ${name} is set only by CreateInferenceExperiment, so its owner recreates the experiment with KmsKey set.`,
      disruption: `The experiment${status ? ` (now ${status})` : ''} is stopped and started again under a new name, so its shadow test restarts.`,
      steps: [
        ['record', `Save the DescribeInferenceExperiment output of ${name} (Type, Schedule, EndpointName, ModelVariants, ShadowModeConfig, DataStorageConfig, RoleArn).`],
        ['key', 'Pick a customer managed KMS key and allow the experiment role kms:CreateGrant on it.'],
        ['stop', `If ${name} is Running, stop it (StopInferenceExperiment) and decide which variant to keep.`],
        ['create', 'CreateInferenceExperiment under a new name with the saved settings and KmsKey set to that key.'],
        ['delete', `Delete ${name} (DeleteInferenceExperiment) once its results are no longer needed.`],
      ],
      rollback: `Stop the new experiment; ${name} keeps its results until it is deleted.`,
    });
  },
});
