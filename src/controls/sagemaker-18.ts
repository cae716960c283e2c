import { manualPlan } from './shared/plans.js';
import { result, subject, unknownDetail } from './shared/wording.js';
import { defineControl } from './types.js';

/**
 * SageMaker.18: an online store with standard storage must use a KMS key. InMemory stores and feature groups
 * without an online store are NOT_APPLICABLE. The field path is AWS's API shape but not verified against the rule.
 */
export const sagemaker18 = defineControl({
  metadata: {
    id: 'SageMaker.18',
    title: 'SageMaker feature group online stores with standard storage should be encrypted with AWS KMS keys',
    severity: 'MEDIUM',
    resourceKind: 'feature-group',
    configRule: 'sagemaker-featuregroup-online-store-encryption',
    checks: 'OnlineStoreConfig.SecurityConfig.KmsKeyId (when OnlineStoreConfig.StorageType is not InMemory)',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'OnlineStoreConfig.SecurityConfig.KmsKeyId');
    const who = subject(snapshot.ref);
    const online = detail.OnlineStoreConfig;
    // EnableOnlineStore defaults to false.
    if (!online || online.EnableOnlineStore !== true) return result('NOT_APPLICABLE', `${who} has no online store.`);
    if (online.StorageType === 'InMemory') {
      return result('NOT_APPLICABLE', `${who} has an InMemory online store, and SageMaker.18 applies only to standard storage.`);
    }
    const key = online.SecurityConfig?.KmsKeyId;
    const storage = online.StorageType ?? 'Standard';
    return key
      ? result('PASSED', `${who} encrypts its ${storage} online store with KMS key ${key}.`)
      : result('FAILED', `${who} has no KMS key on its ${storage} online store (OnlineStoreConfig.SecurityConfig.KmsKeyId is absent).`);
  },
  plan(snapshot) {
    const name = snapshot.ref.name;
    return manualPlan({
      controlId: 'SageMaker.18',
      summary: `Feature group ${name} cannot change its online store KMS key in place (UpdateFeatureGroup does not take it), so its owner recreates it with a KMS key.`,
      disruption: `Readers of the online store of ${name} must move to the new feature group, and its records must be re-ingested.`,
      steps: [
        ['record', `Save the DescribeFeatureGroup output of ${name} (FeatureDefinitions, identifiers, OnlineStoreConfig, OfflineStoreConfig, RoleArn) and its tags.`],
        ['create', 'CreateFeatureGroup with the same definitions and OnlineStoreConfig.SecurityConfig.KmsKeyId set to a customer managed KMS key.'],
        ['backfill', 'Re-ingest the current records (PutRecord) into the new feature group.'],
        ['switch', 'Move ingestion and online readers (inference code calling GetRecord) to the new feature group.'],
        ['delete', `Delete ${name} (DeleteFeatureGroup) once nothing uses it.`],
      ],
      rollback: `Until ${name} is deleted, move producers and readers back to it.`,
    });
  },
});
