import { endpointConfig } from '../../../aws/kinds/index.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { deleteIfUnused } from '../recreate.js';
import { endpointsUsing } from './endpoints.js';

export const endpointConfigDeleteIfUnused = defineOperation({
  name: 'endpoint-config.delete-if-unused',
  description: 'Delete the old endpoint config once no endpoint uses it (its copy stays in the job)',
  ...sagemakerCalls({ reads: ['DescribeEndpointConfig', 'ListEndpoints', 'DescribeEndpoint'], writes: ['DeleteEndpointConfig'] }),
  destructive: true,
  async run(run, p) {
    const users = async () => (await endpointsUsing(run, p.name)).map((u) => u.name);
    const outcome = await deleteIfUnused(run, endpointConfig, p.name, users, 'endpoint(s)');
    if (outcome === 'gone') return run.skipped(`${p.name} is already gone (its copy stays in the job)`);
    return run.acted(`deleted ${p.name} (its copy stays in the job)`);
  },
});
