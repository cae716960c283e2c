import { manualPlan } from './shared/plans.js';
import { result, subject, unknownDetail } from './shared/wording.js';
import { defineControl } from './types.js';

/**
 * SageMaker.17: the offline store's S3 storage must use a KMS key. The field path
 * (OfflineStoreConfig.S3StorageConfig.KmsKeyId) is AWS's API shape but not verified against the Config rule.
 */
export const sagemaker17 = defineControl({
  metadata: {
    id: 'SageMaker.17',
    title: 'SageMaker feature group offline stores should be encrypted with AWS KMS keys',
    severity: 'MEDIUM',
    resourceKind: 'feature-group',
    configRule: 'sagemaker-featuregroup-encryption-at-rest',
    checks: 'OfflineStoreConfig.S3StorageConfig.KmsKeyId',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'OfflineStoreConfig.S3StorageConfig.KmsKeyId');
    const who = subject(snapshot.ref);
    const offline = detail.OfflineStoreConfig;
    if (!offline) return result('NOT_APPLICABLE', `${who} has no offline store.`);
    const key = offline.S3StorageConfig?.KmsKeyId;
    return key
      ? result('PASSED', `${who} encrypts its offline store with KMS key ${key}.`)
      : result('FAILED', `${who} has no KMS key on its offline store (OfflineStoreConfig.S3StorageConfig.KmsKeyId is absent).`);
  },
  plan(snapshot) {
    const name = snapshot.ref.name;
    return manualPlan({
      controlId: 'SageMaker.17',
      summary: `Feature group ${name} cannot change its offline store KMS key in place (UpdateFeatureGroup does not take it), so its owner recreates it with a KMS key.`,
      disruption: `Producers and consumers of ${name} must move to the new feature group, and its offline data must be copied or re-ingested.`,
      steps: [
        ['record', `Save the DescribeFeatureGroup output of ${name} (FeatureDefinitions, RecordIdentifierFeatureName, EventTimeFeatureName, OnlineStoreConfig, RoleArn) and its tags.`],
        ['create', `CreateFeatureGroup with the same definitions and OfflineStoreConfig.S3StorageConfig.KmsKeyId set to a KMS key the feature group role can use.`],
        ['backfill', `Copy or re-ingest the historical records of ${name} into the new feature group.`],
        ['switch', 'Move ingestion pipelines and readers (training jobs, Athena queries) to the new feature group.'],
        ['delete', `Delete ${name} (DeleteFeatureGroup) once nothing uses it; its offline S3 data stays unless deleted separately.`],
      ],
      rollback: `Until ${name} is deleted, move producers and consumers back to it.`,
    });
  },
});
