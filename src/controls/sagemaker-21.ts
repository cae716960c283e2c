import { defineControl } from './types.js';
import { notebookRebuildPlan } from './shared/notebooks.js';
import { result, subject, unknownDetail } from './shared/wording.js';

/** SageMaker.21: the ML storage volume must use a customer managed KMS key. KmsKeyId is set only at creation. */
export const sagemaker21 = defineControl({
  metadata: {
    id: 'SageMaker.21',
    title: 'SageMaker notebook instances should be encrypted with customer managed AWS KMS keys',
    severity: 'MEDIUM',
    resourceKind: 'notebook-instance',
    configRule: 'sagemaker-notebook-instance-storage-vol-kms-encrypted',
    checks: 'KmsKeyId',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'KmsKeyId');
    const who = subject(snapshot.ref);
    return detail.KmsKeyId
      ? result('PASSED', `${who} is encrypted with KMS key ${detail.KmsKeyId}.`)
      : result('FAILED', `${who} has no KmsKeyId, so its storage volume is not encrypted with a customer managed KMS key.`);
  },
  plan(snapshot, params) {
    return notebookRebuildPlan(snapshot, params, 'SageMaker.21', 'KmsKeyId can only be set when a notebook is created');
  },
});
