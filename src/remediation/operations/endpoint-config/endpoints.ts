import { DescribeEndpointCommand, UpdateEndpointCommand, paginateListEndpoints } from '@aws-sdk/client-sagemaker';
import type { DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import { endpointConfig } from '../../../aws/kinds/index.js';
import { isNotFound } from '../../../aws/errors.js';
import { RemediationError } from '../../errors.js';
import { madeByThisPlan, removeCopyIfUnused, restoreOriginal } from '../recreate.js';
import { pollUntil } from '../step-run.js';
import type { PollVerdict, StepRun } from '../step-run.js';

/**
 * Endpoint configs are immutable (SageMaker.4): copy with InitialInstanceCount raised on instance-based variants,
 * UpdateEndpoint every endpoint that uses the old config, wait InService, delete the old config once unused (its copy
 * stays in the job). This module holds the endpoint reads the swap's steps share, and its undo.
 */

export interface EndpointUse {
  name: string;
  status: string;
  current?: string;
  /** The configuration an update in progress deploys (PendingDeploymentSummary). */
  pending?: string;
}

export function describeEndpoint(run: StepRun, name: string): Promise<DescribeEndpointOutput | undefined> {
  return run.readOptional('DescribeEndpoint', () => run.client.send(new DescribeEndpointCommand({ EndpointName: name })), isNotFound);
}

export function useOf(d: DescribeEndpointOutput): EndpointUse {
  return {
    name: d.EndpointName ?? '',
    status: d.EndpointStatus ?? 'unknown',
    ...(d.EndpointConfigName ? { current: d.EndpointConfigName } : {}),
    ...(d.PendingDeploymentSummary?.EndpointConfigName ? { pending: d.PendingDeploymentSummary.EndpointConfigName } : {}),
  };
}

/** Endpoints whose current or in-progress config is `configName` (ListEndpoints gives no config: one Describe each). */
export async function endpointsUsing(run: StepRun, configName: string): Promise<EndpointUse[]> {
  const names: string[] = [];
  await run.read('ListEndpoints', async () => {
    for await (const page of paginateListEndpoints({ client: run.client, pageSize: 100 }, {})) {
      for (const e of page.Endpoints ?? []) if (e.EndpointName) names.push(e.EndpointName);
    }
  });
  const out: EndpointUse[] = [];
  for (const name of names) {
    const d = await describeEndpoint(run, name);
    if (!d) continue;
    const use = useOf(d);
    if (use.current === configName || use.pending === configName) out.push(use);
  }
  return out;
}

/** Waits until the endpoint is out of Creating/Updating/SystemUpdating; Failed and Deleting end the wait. */
export function waitEndpointSettled(run: StepRun, name: string, maxWaitSeconds: number): Promise<DescribeEndpointOutput> {
  return pollUntil(run.ctx, `endpoint ${name} to be InService`, maxWaitSeconds, async (): Promise<PollVerdict<DescribeEndpointOutput>> => {
    const d = await describeEndpoint(run, name);
    if (!d) return { state: 'failure', message: `endpoint ${name} no longer exists`, code: 'ResourceNotFound' };
    const status = d.EndpointStatus ?? 'unknown';
    if (status === 'InService' || status === 'OutOfService') return { state: 'success', value: d };
    if (status === 'Failed') return { state: 'failure', message: `endpoint ${name} is Failed${d.FailureReason ? `: ${d.FailureReason}` : ''}`, code: 'EndpointFailed' };
    if (status === 'Deleting') return { state: 'failure', message: `endpoint ${name} is being deleted`, code: 'EndpointDeleting' };
    return { state: 'retry', status };
  });
}

/**
 * UpdateEndpoint to `to`. SageMaker refuses an update while one is in progress ("Cannot update in-progress
 * endpoint"): when the update in progress deploys `to` (PendingDeploymentSummary), it is this very update whose answer
 * was lost and retried, and it is under way.
 */
export async function switchEndpoint(run: StepRun, name: string, to: string): Promise<void> {
  try {
    await run.mutate('UpdateEndpoint', { EndpointName: name, EndpointConfigName: to }, () => run.client.send(new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: to })));
  } catch (err) {
    if (!(err instanceof RemediationError) || err.code !== 'ValidationException' || !/in-progress/i.test(err.message)) throw err;
    const d = await describeEndpoint(run, name);
    if (d?.PendingDeploymentSummary?.EndpointConfigName !== to) throw err;
  }
}

/**
 * Undo from any point: the old config exists again (recreated from its copy if deleted), every endpoint on the new
 * config goes back to it, and the new config is deleted when this plan made it and nothing uses it.
 */
export async function rollbackEndpointSwitch(run: StepRun, swap: { oldName: string; newName: string }): Promise<string[]> {
  if (run.dryRun) return [];
  const { oldName, newName } = swap;
  const done = await restoreOriginal(run, endpointConfig, oldName);
  const ours = madeByThisPlan(run, newName);
  const onNew = new Set([...(ours ? (await endpointsUsing(run, newName)).map((u) => u.name) : []), ...(run.ctx.state.facts.switched ?? [])]);
  const back: string[] = [];
  for (const name of onNew) {
    const d = await waitEndpointSettled(run, name, run.ctx.defaultMaxWaitSeconds).catch(() => describeEndpoint(run, name));
    if (!d || d.EndpointConfigName !== newName) continue;
    await switchEndpoint(run, name, oldName);
    back.push(name);
  }
  if (back.length > 0) {
    done.push(`switched ${back.join(', ')} back to ${oldName}`);
    // The new config stays in use until the switch back has finished.
    for (const name of back) await waitEndpointSettled(run, name, run.ctx.defaultMaxWaitSeconds).catch(() => undefined);
  }
  const users = ours ? (await endpointsUsing(run, newName)).map((u) => u.name) : [];
  done.push(...(await removeCopyIfUnused(run, endpointConfig, newName, users)));
  return done;
}
