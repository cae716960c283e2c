import { compliantName } from './shared/names.js';
import { manualPlan } from './shared/plans.js';
import { result, subject, unknownDetail } from './shared/wording.js';
import { defineControl } from './types.js';

/** SageMaker.5: EnableNetworkIsolation must be true (absent means false). Models are immutable. */
export const sagemaker5 = defineControl({
  metadata: {
    id: 'SageMaker.5',
    title: 'SageMaker models should have network isolation enabled',
    severity: 'MEDIUM',
    resourceKind: 'model',
    configRule: 'sagemaker-model-isolation-enabled',
    checks: 'EnableNetworkIsolation',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'EnableNetworkIsolation');
    const who = subject(snapshot.ref);
    if (detail.EnableNetworkIsolation === true) return result('PASSED', `${who} has network isolation enabled.`);
    return result(
      'FAILED',
      detail.EnableNetworkIsolation === false
        ? `${who} has network isolation disabled.`
        : `${who} does not set EnableNetworkIsolation, so network isolation is disabled.`,
    );
  },
  plan(snapshot) {
    const name = snapshot.ref.name;
    const newName = compliantName(name);
    return manualPlan({
      controlId: 'SageMaker.5',
      summary: `Recreate model ${name} as ${newName} with EnableNetworkIsolation=true and move its endpoints to it, since a model cannot be updated.`,
      disruption:
        `With network isolation the model container gets no network access and no AWS credentials, so containers that download ` +
        `weights or call AWS at run time break; if it needs the network, accept the risk with a note instead.`,
      steps: [
        [
          'check',
          `Check with the owner that the container of ${name} needs no network or AWS credentials at run time ` +
            `(models deployed with SageMaker Python SDK v3 ModelBuilder before aws/sagemaker-python-sdk#5833 lost isolation by mistake).`,
        ],
        [
          'create',
          `CreateModel ${newName} copying PrimaryContainer/Containers, ExecutionRoleArn, VpcConfig, InferenceExecutionConfig and tags from ${name}, with EnableNetworkIsolation=true.`,
        ],
        ['endpoint-config', `Create a new endpoint configuration that points at ${newName} for each configuration that uses ${name}.`],
        ['switch', 'UpdateEndpoint each endpoint to its new configuration and wait until it is InService.'],
        ['delete', `Delete the old endpoint configurations and model ${name} once the endpoints are InService on ${newName}.`],
      ],
      rollback: `Until ${name} is deleted, UpdateEndpoint back to the old endpoint configuration restores the previous model.`,
    });
  },
});
