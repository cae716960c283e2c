import type { ProductionVariant } from '@aws-sdk/client-sagemaker';
import { step } from '../plans/plan.js';
import { compliantName } from './shared/names.js';
import { result, subject, unknownDetail } from './shared/wording.js';
import { defineControl } from './types.js';

const variantLabel = (v: ProductionVariant): string => v.VariantName ?? '(unnamed variant)';

/** Instance-based variants (the control applies only to those; serverless variants have no instance count). */
function instanceVariants(variants: ProductionVariant[] | undefined): ProductionVariant[] {
  return (variants ?? []).filter((v) => !v.ServerlessConfig);
}

function failingVariants(variants: ProductionVariant[] | undefined): ProductionVariant[] {
  return instanceVariants(variants).filter((v) => v.InitialInstanceCount !== undefined && v.InitialInstanceCount < 2);
}

/**
 * SageMaker.4: every instance-based production variant needs InitialInstanceCount > 1. Endpoint configs are
 * immutable: the fix copies the config, switches the endpoints to it and deletes the old one. It costs money.
 */
export const sagemaker4 = defineControl({
  metadata: {
    id: 'SageMaker.4',
    title: 'SageMaker endpoint production variants should have an initial instance count greater than 1',
    severity: 'MEDIUM',
    resourceKind: 'endpoint-config',
    configRule: 'sagemaker-endpoint-config-prod-instance-count',
    checks: 'ProductionVariants[].InitialInstanceCount',
    evidence: { describe: true, tags: false },
    parameters: ['minimumInstanceCount'],
    schedule: 'periodic',
    remediation: 'recreate',
  },
  evaluate(snapshot) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'ProductionVariants[].InitialInstanceCount');
    const who = subject(snapshot.ref);
    const variants = detail.ProductionVariants ?? [];
    if (variants.length === 0) {
      return result('UNKNOWN', `${who} was not evaluated because its DescribeEndpointConfig output lists no production variants.`);
    }
    const instanced = instanceVariants(variants);
    if (instanced.length === 0) {
      return result('NOT_APPLICABLE', `${who} has only serverless production variants, and SageMaker.4 applies only to instance-based variants.`);
    }
    const failing = failingVariants(variants);
    if (failing.length > 0) {
      const list = failing.map((v) => `${variantLabel(v)} (${v.InitialInstanceCount})`).join(', ');
      return result('FAILED', `${who} has ${failing.length === 1 ? 'a production variant' : 'production variants'} with an initial instance count of 1 or less: ${list}.`);
    }
    const uncounted = instanced.filter((v) => v.InitialInstanceCount === undefined);
    if (uncounted.length > 0) {
      return result(
        'UNKNOWN',
        `${who} was not evaluated because production variant${uncounted.length === 1 ? '' : 's'} ${uncounted.map(variantLabel).join(', ')} report${uncounted.length === 1 ? 's' : ''} no InitialInstanceCount.`,
      );
    }
    return result('PASSED', `${who} has an initial instance count greater than 1 on every instance-based production variant.`);
  },
  plan(snapshot, params) {
    const name = snapshot.ref.name;
    const newName = compliantName(name);
    const min = params.minimumInstanceCount;
    const costs = failingVariants(snapshot.detail?.ProductionVariants).map((v) => {
      const from = v.InitialInstanceCount ?? 0;
      const factor = from > 0 ? ` (×${Number((min / from).toFixed(2))} cost for that variant)` : ' (new standing cost for that variant)';
      return `${v.InstanceType ?? variantLabel(v)}: ${from} → ${min} instances${factor}`;
    });
    return {
      kind: 'recreate',
      summary:
        `Copy endpoint configuration ${name} as ${newName} with at least ${min} instances per instance-based variant, ` +
        `switch the endpoints that use it to the copy and delete the original.`,
      disruption:
        `Cost: ${costs.length > 0 ? costs.join('; ') : `each variant below ${min} instances is raised to ${min}`}. ` +
        `Endpoints move to configuration ${newName} (SageMaker shifts traffic without availability loss); ` +
        `for dev or test endpoints, accepting the risk with a note is usually better than paying for the extra instances.`,
      allowedStates: [],
      steps: [
        step('copy', 'endpoint-config.create-copy', `Create \`${newName}\` from \`${name}\` with at least ${min} instances per variant`, {
          sourceName: name,
          newName,
          minimumInstanceCount: min,
        }),
        step('switch', 'endpoints.switch-config', `Update the endpoints that use \`${name}\` to \`${newName}\``, {
          oldConfigName: name,
          newConfigName: newName,
        }),
        step('wait', 'endpoints.wait-in-service', `Wait until those endpoints are InService`, { configName: newName, maxWaitSeconds: 3600 }),
        step('delete-old', 'endpoint-config.delete-if-unused', `Delete \`${name}\` once no endpoint uses it`, { name }),
      ],
      verify: { controlId: 'SageMaker.4', resourceName: newName },
      rollback: `Endpoints are switched back to ${name} and ${newName} is deleted; the saved copy allows recreating a deleted original.`,
    };
  },
});
