import { defineControl } from './types.js';
import { notebookRebuildPlan } from './shared/notebooks.js';
import { result, subject, unknownDetail } from './shared/wording.js';

/** SageMaker.1: DirectInternetAccess must be Disabled. Immutable: the fix is a rebuild by the owner. */
export const sagemaker1 = defineControl({
  metadata: {
    id: 'SageMaker.1',
    title: 'Amazon SageMaker notebook instances should not have direct internet access',
    severity: 'HIGH',
    resourceKind: 'notebook-instance',
    configRule: 'sagemaker-notebook-no-direct-internet-access',
    checks: 'DirectInternetAccess',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'periodic',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'DirectInternetAccess');
    const who = subject(snapshot.ref);
    if (detail.DirectInternetAccess === 'Disabled') return result('PASSED', `${who} has direct internet access disabled.`);
    // CreateNotebookInstance defaults DirectInternetAccess to Enabled.
    return result(
      'FAILED',
      detail.DirectInternetAccess === 'Enabled'
        ? `${who} has direct internet access enabled.`
        : `${who} does not report DirectInternetAccess, so it has the AWS default, direct internet access enabled.`,
    );
  },
  plan(snapshot, params) {
    return notebookRebuildPlan(snapshot, params, 'SageMaker.1', 'direct internet access cannot be turned off after creation');
  },
});
