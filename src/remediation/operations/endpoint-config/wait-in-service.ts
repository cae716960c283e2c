import { RemediationError } from '../../errors.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { endpointsUsing, waitEndpointSettled } from './endpoints.js';

export const endpointsWaitInService = defineOperation({
  name: 'endpoints.wait-in-service',
  description: 'Wait until the switched endpoints are InService',
  ...sagemakerCalls({ reads: ['ListEndpoints', 'DescribeEndpoint'] }),
  destructive: false,
  async run(run, p) {
    const names = new Set([...(await endpointsUsing(run, p.configName)).map((u) => u.name), ...(run.ctx.state.facts.switched ?? [])]);
    if (names.size === 0) return run.skipped(`no endpoint uses ${p.configName}`);
    if (run.dryRun) return { status: 'dry-run', detail: `would wait until ${names.size} endpoint(s) are InService (at most ${p.maxWaitSeconds} s)` };
    const deadline = Date.now() + p.maxWaitSeconds * 1000;
    for (const name of names) {
      const d = await waitEndpointSettled(run, name, Math.max(1, Math.ceil((deadline - Date.now()) / 1000)));
      if (d.EndpointConfigName !== p.configName) {
        // SageMaker rolls a failed update back to the old config and reports why in FailureReason.
        throw new RemediationError(
          `endpoint ${name} still uses ${d.EndpointConfigName ?? 'no config'} after the update${d.FailureReason ? `: ${d.FailureReason}` : ''}`,
          'UpdateEndpointNotApplied',
          false,
        );
      }
    }
    return { status: 'done', detail: `${names.size} endpoint(s) InService on ${p.configName}: ${[...names].join(', ')}` };
  },
});
