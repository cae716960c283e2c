import { compliantName } from './shared/names.js';
import { manualPlan } from './shared/plans.js';
import { result, subject, unknownDetail } from './shared/wording.js';
import { defineControl } from './types.js';

/**
 * SageMaker.16: the primary container's image must come from a private registry in a VPC
 * (ImageConfig.RepositoryAccessMode=Vpc). Multi-container models (no PrimaryContainer) are SageMaker.19's.
 */
export const sagemaker16 = defineControl({
  metadata: {
    id: 'SageMaker.16',
    title: 'SageMaker models should use private registry in VPC for primary containers',
    severity: 'MEDIUM',
    resourceKind: 'model',
    configRule: 'sagemaker-model-private-registry-required',
    checks: 'PrimaryContainer.ImageConfig.RepositoryAccessMode',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'PrimaryContainer.ImageConfig.RepositoryAccessMode');
    const who = subject(snapshot.ref);
    const primary = detail.PrimaryContainer;
    if (!primary) return result('NOT_APPLICABLE', `${who} has no primary container (it is a multi-container model, covered by SageMaker.19).`);
    const mode = primary.ImageConfig?.RepositoryAccessMode;
    if (mode === 'Vpc') return result('PASSED', `${who} pulls its primary container image from a private registry in a VPC.`);
    return result(
      'FAILED',
      mode === undefined
        ? `${who} has no ImageConfig on its primary container, so its image does not come from a private registry in a VPC.`
        : `${who} has repository access mode ${mode} on its primary container, not a private registry in a VPC.`,
    );
  },
  plan(snapshot) {
    const name = snapshot.ref.name;
    return manualPlan({
      controlId: 'SageMaker.16',
      summary:
        `Model ${name} pulls its image through the platform (Amazon ECR images use Platform mode), so passing needs an architectural change: ` +
        `a private Docker registry in a VPC; for images in Amazon ECR, accepting the risk with a note is usually the better answer.`,
      disruption: `Moving to a private registry means running that registry, recreating the model as ${compliantName(name)} and updating its endpoints.`,
      steps: [
        ['decide', `Decide with the owner of ${name}: accept the risk with a note (typical for ECR images), or move the image to a private registry in the VPC.`],
        ['registry', 'If moving: push the image to a private Docker registry reachable from the model VPC (with RepositoryAuthConfig if it needs credentials).'],
        ['create', `CreateModel ${compliantName(name)} copying ${name} with PrimaryContainer.ImageConfig.RepositoryAccessMode=Vpc and the model's VpcConfig.`],
        ['switch', 'Create endpoint configurations that use the new model, UpdateEndpoint to them and wait until InService.'],
        ['delete', `Delete the old endpoint configurations and model ${name}.`],
      ],
      rollback: `Until ${name} is deleted, UpdateEndpoint back to the old endpoint configuration restores the previous model.`,
    });
  },
});
