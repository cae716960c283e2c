import { manualPlan } from './shared/plans.js';
import { result, subject, unknownDetail } from './shared/wording.js';
import { defineControl } from './types.js';

/** SageMaker.24: captured data (DataStorageConfig) must use a customer managed KMS key; no data capture is NOT_APPLICABLE. */
export const sagemaker24 = defineControl({
  metadata: {
    id: 'SageMaker.24',
    title: 'SageMaker inference experiments should have data storage encrypted with customer managed AWS KMS keys',
    severity: 'MEDIUM',
    resourceKind: 'inference-experiment',
    configRule: 'sagemaker-inf-experiment-data-storage-kms-encrypted',
    checks: 'DataStorageConfig.KmsKey',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'DataStorageConfig.KmsKey');
    const who = subject(snapshot.ref);
    const storage = detail.DataStorageConfig;
    if (!storage) return result('NOT_APPLICABLE', `${who} has no DataStorageConfig, so it captures no data.`);
    return storage.KmsKey
      ? result('PASSED', `${who} encrypts its captured data with KMS key ${storage.KmsKey}.`)
      : result('FAILED', `${who} captures data to ${storage.Destination ?? 'S3'} without a customer managed KMS key (DataStorageConfig.KmsKey is absent).`);
  },
  plan(snapshot) {
    const name = snapshot.ref.name;
    return manualPlan({
      controlId: 'SageMaker.24',
      summary: `Set DataStorageConfig.KmsKey on inference experiment ${name}: through UpdateInferenceExperiment while it is Created or Running if SageMaker accepts the key change, else by recreating it.`,
      disruption: 'Data captured before the change stays encrypted with the old key; recreating restarts the shadow test under a new name.',
      steps: [
        ['key', 'Pick a customer managed KMS key and allow the experiment role kms:CreateGrant on it.'],
        ['update', `Try UpdateInferenceExperiment on ${name} with DataStorageConfig (same Destination and ContentType) plus KmsKey (the SDK model accepts DataStorageConfig; whether SageMaker accepts a key change is not verified).`],
        ['recreate', `If that is refused or ${name} has finished: CreateInferenceExperiment under a new name with the saved settings and DataStorageConfig.KmsKey, then stop and delete ${name}.`],
        ['reencrypt', 'Optionally re-encrypt the data already captured in the destination bucket with the new key.'],
      ],
      rollback: `UpdateInferenceExperiment with the previous DataStorageConfig restores it; a recreated experiment can be stopped while ${name} is kept.`,
    });
  },
});
