import { defineControl } from './types.js';
import { notebookRebuildPlan } from './shared/notebooks.js';
import { result, subject, unknownDetail } from './shared/wording.js';

/** SageMaker.2: the notebook must have a SubnetId (custom VPC). Immutable: the fix is a rebuild by the owner. */
export const sagemaker2 = defineControl({
  metadata: {
    id: 'SageMaker.2',
    title: 'SageMaker notebook instances should be launched in a custom VPC',
    severity: 'HIGH',
    resourceKind: 'notebook-instance',
    configRule: 'sagemaker-notebook-instance-inside-vpc',
    checks: 'SubnetId',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'SubnetId');
    const who = subject(snapshot.ref);
    return detail.SubnetId
      ? result('PASSED', `${who} is launched in a custom VPC (subnet ${detail.SubnetId}).`)
      : result('FAILED', `${who} has no SubnetId, so it is not launched in a custom VPC.`);
  },
  plan(snapshot, params) {
    return notebookRebuildPlan(snapshot, params, 'SageMaker.2', 'the VPC of a notebook cannot be changed after creation');
  },
});
