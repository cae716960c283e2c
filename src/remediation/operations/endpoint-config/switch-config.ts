import { kmsThroughSageMaker } from '../../../aws/permissions.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { addUnique } from '../step-run.js';
import { endpointsUsing, switchEndpoint, useOf, waitEndpointSettled } from './endpoints.js';

export const endpointsSwitchConfig = defineOperation({
  name: 'endpoints.switch-config',
  description: 'UpdateEndpoint on every endpoint that uses the old config, to the new config',
  ...sagemakerCalls(
    { reads: ['ListEndpoints', 'DescribeEndpoint'], writes: ['UpdateEndpoint'] },
    ...kmsThroughSageMaker('UpdateEndpoint to a config with KmsKeyId has SageMaker create a grant on the key for the new instances'),
  ),
  destructive: false,
  async run(run, p) {
    const facts = run.ctx.state.facts;
    const users = await endpointsUsing(run, p.oldConfigName);
    const moved: string[] = [];
    for (let use of users) {
      if (use.current === p.newConfigName || use.pending === p.newConfigName) continue;
      if (use.status !== 'InService' && !run.dryRun) {
        use = useOf(await waitEndpointSettled(run, use.name, run.ctx.defaultMaxWaitSeconds));
        if (use.current !== p.oldConfigName) continue;
      }
      if (!run.dryRun) {
        facts.switched = addUnique(facts.switched, use.name);
        await run.ctx.persist();
      }
      await switchEndpoint(run, use.name, p.newConfigName);
      moved.push(use.name);
    }
    if (moved.length === 0) {
      return run.skipped((facts.switched ?? []).length > 0 ? `every endpoint already uses ${p.newConfigName}` : `no endpoint uses ${p.oldConfigName}`);
    }
    return run.acted(`UpdateEndpoint to ${p.newConfigName} on ${moved.join(', ')}`);
  },
});
