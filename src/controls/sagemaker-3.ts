import { defineControl } from './types.js';
import { notebookUpdatePlan } from './shared/notebooks.js';
import { result, subject, unknownDetail } from './shared/wording.js';

/** SageMaker.3: RootAccess must be Disabled (absent means the AWS default, Enabled). */
export const sagemaker3 = defineControl({
  metadata: {
    id: 'SageMaker.3',
    title: 'Users should not have root access to SageMaker notebook instances',
    severity: 'HIGH',
    resourceKind: 'notebook-instance',
    configRule: 'sagemaker-notebook-instance-root-access-check',
    checks: 'RootAccess',
    evidence: { describe: true, tags: false },
    parameters: ['supportedPlatformIdentifiers'],
    schedule: 'change-triggered',
    remediation: 'in-place',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'RootAccess');
    const who = subject(snapshot.ref);
    if (detail.RootAccess === 'Disabled') return result('PASSED', `${who} has root access disabled.`);
    return result(
      'FAILED',
      detail.RootAccess === 'Enabled'
        ? `${who} has root access enabled.`
        : `${who} does not report RootAccess, so it has the AWS default, root access enabled.`,
    );
  },
  plan(snapshot, params) {
    return notebookUpdatePlan(snapshot, params, 'SageMaker.3', 'root-access');
  },
});
