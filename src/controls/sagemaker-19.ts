import type { ContainerDefinition } from '@aws-sdk/client-sagemaker';
import { compliantName } from './shared/names.js';
import { manualPlan } from './shared/plans.js';
import { result, subject, unknownDetail } from './shared/wording.js';
import { defineControl } from './types.js';

const containerLabel = (c: ContainerDefinition, i: number): string => c.ContainerHostname ?? `container ${i + 1}`;

/**
 * SageMaker.19: every container of a multi-container model (Containers[]) must use a private registry in a VPC.
 * Single-container models (no Containers) are SageMaker.16's.
 */
export const sagemaker19 = defineControl({
  metadata: {
    id: 'SageMaker.19',
    title: 'SageMaker models should use private registry in VPC for multi-container inference pipelines',
    severity: 'MEDIUM',
    resourceKind: 'model',
    configRule: 'sagemaker-model-multicontainer-private-registry',
    checks: 'Containers[].ImageConfig.RepositoryAccessMode',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'Containers[].ImageConfig.RepositoryAccessMode');
    const who = subject(snapshot.ref);
    const containers = detail.Containers ?? [];
    if (containers.length === 0) return result('NOT_APPLICABLE', `${who} has no Containers list (it is a single-container model, covered by SageMaker.16).`);
    const failing = containers
      .map((c, i) => ({ label: containerLabel(c, i), mode: c.ImageConfig?.RepositoryAccessMode }))
      .filter((c) => c.mode !== 'Vpc');
    if (failing.length === 0) return result('PASSED', `${who} pulls all ${containers.length} container images from a private registry in a VPC.`);
    const list = failing.map((c) => `${c.label} (${c.mode ?? 'no ImageConfig'})`).join(', ');
    return result('FAILED', `${who} has container${failing.length === 1 ? '' : 's'} not using a private registry in a VPC: ${list}.`);
  },
  plan(snapshot) {
    const name = snapshot.ref.name;
    const newName = compliantName(name);
    return manualPlan({
      controlId: 'SageMaker.19',
      summary:
        `Inference pipeline model ${name} pulls container images through the platform (Amazon ECR images use Platform mode), so passing needs ` +
        `a private Docker registry in a VPC for every container; for images in Amazon ECR, accepting the risk with a note is usually the better answer.`,
      disruption: `Moving to a private registry means running that registry, recreating the model as ${newName} and updating its endpoints.`,
      steps: [
        ['decide', `Decide with the owner of ${name}: accept the risk with a note (typical for ECR images), or move every container image to a private registry in the VPC.`],
        ['registry', 'If moving: push each image to a private Docker registry reachable from the model VPC (with RepositoryAuthConfig if it needs credentials).'],
        ['create', `CreateModel ${newName} copying ${name} with ImageConfig.RepositoryAccessMode=Vpc on every entry of Containers and the model's VpcConfig.`],
        ['switch', 'Create endpoint configurations that use the new model, UpdateEndpoint to them and wait until InService.'],
        ['delete', `Delete the old endpoint configurations and model ${name}.`],
      ],
      rollback: `Until ${name} is deleted, UpdateEndpoint back to the old endpoint configuration restores the previous model.`,
    });
  },
});
