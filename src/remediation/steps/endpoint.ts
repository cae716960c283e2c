import {
  CreateEndpointConfigCommand,
  DeleteEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  UpdateEndpointCommand,
  paginateListEndpoints,
} from '@aws-sdk/client-sagemaker';
import type { CreateEndpointConfigInput, DescribeEndpointOutput, ProductionVariant } from '@aws-sdk/client-sagemaker';
import { PlanStoppedError, RemediationError, isNotFound } from '../errors.js';
import type { OperationParams } from '../operations.js';
import type { JsonValue } from '../plan.js';
import { addUnique, copyKey, isSubset, nowIso, pollUntil, readAllTags, settableTags, toJson } from './common.js';
import type { PollVerdict, SavedCopy, StepOutcome, StepRun } from './common.js';

/**
 * Endpoint configs are immutable (SageMaker.4): copy with InitialInstanceCount raised on instance-based variants,
 * UpdateEndpoint every endpoint that uses the old config, wait InService, delete the old config once unused
 * (its copy stays in the job). `rollbackEndpointSwitch` undoes it from any point.
 */

type Json = { [key: string]: JsonValue };
const KIND = 'endpoint-config';
const OUTPUT_ONLY = new Set(['EndpointConfigArn', 'EndpointConfigName', 'CreationTime', '$metadata']);

async function describeConfig(run: StepRun, name: string): Promise<Json | undefined> {
  const out = await run.readOptional('DescribeEndpointConfig', () => run.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name })), isNotFound);
  return out ? toJson(out) : undefined;
}

export function configInputFrom(detail: Json, name: string, tags: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(detail)) if (!OUTPUT_ONLY.has(k)) input[k] = v;
  input.EndpointConfigName = name;
  const settable = settableTags(tags);
  if (settable.length > 0) input.Tags = settable;
  return input;
}

function compliantInput(source: SavedCopy, p: OperationParams['endpoint-config.create-copy']): Record<string, unknown> {
  const input = configInputFrom(source.detail, p.newName, source.tags);
  const variants = (input.ProductionVariants as ProductionVariant[] | undefined) ?? [];
  input.ProductionVariants = variants.map((v) =>
    v.ServerlessConfig || v.InitialInstanceCount === undefined || v.InitialInstanceCount >= p.minimumInstanceCount
      ? v
      : { ...v, InitialInstanceCount: p.minimumInstanceCount },
  );
  return input;
}

interface EndpointUse {
  name: string;
  status: string;
  current?: string;
  pending?: string;
}

async function describeEndpoint(run: StepRun, name: string): Promise<DescribeEndpointOutput | undefined> {
  return run.readOptional('DescribeEndpoint', () => run.client.send(new DescribeEndpointCommand({ EndpointName: name })), isNotFound);
}

function useOf(d: DescribeEndpointOutput): EndpointUse {
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
function waitSettled(run: StepRun, name: string, maxWaitSeconds: number): Promise<DescribeEndpointOutput> {
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

async function switchEndpoint(run: StepRun, name: string, to: string): Promise<void> {
  await run.mutate('UpdateEndpoint', { EndpointName: name, EndpointConfigName: to }, () =>
    run.client.send(new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: to })),
  );
}

/* ------------------------------------------------------------------------------------------------------------------ */

export async function createCopy(run: StepRun, p: OperationParams['endpoint-config.create-copy']): Promise<StepOutcome> {
  const key = copyKey(KIND, p.sourceName);
  let source = run.ctx.state.savedCopies[key];
  if (!source) {
    const detail = await describeConfig(run, p.sourceName);
    if (!detail) throw new PlanStoppedError(`endpoint configuration ${p.sourceName} no longer exists`, 'ResourceNotFound');
    const arn = typeof detail.EndpointConfigArn === 'string' ? detail.EndpointConfigArn : undefined;
    const tags = arn ? await readAllTags(run, arn) : {};
    source = { kind: KIND, name: p.sourceName, ...(arn ? { arn } : {}), detail, tags, savedAt: nowIso(run.ctx) };
    // The copy is in the job before anything changes.
    run.ctx.state.savedCopies[key] = source;
    await run.ctx.persist();
  }
  const input = compliantInput(source, p);
  const { EndpointConfigName: _n, Tags: _t, ...expected } = input;
  const existing = await describeConfig(run, p.newName);
  if (existing) {
    if (isSubset(expected, existing)) return run.skipped(`${p.newName} already exists with the compliant settings`);
    throw new PlanStoppedError(
      `endpoint configuration ${p.newName} already exists with different settings; it was not made by this fix. Rename or delete it, then run /sagemaker-audit again`,
      'NameTaken',
    );
  }
  if (!run.dryRun) {
    run.ctx.state.facts.createIntent = addUnique(run.ctx.state.facts.createIntent, p.newName);
    await run.ctx.persist();
  }
  const raised = ((input.ProductionVariants as ProductionVariant[]) ?? [])
    .filter((v, i) => v.InitialInstanceCount !== ((source.detail.ProductionVariants as Json[] | undefined)?.[i]?.InitialInstanceCount as number | undefined))
    .map((v) => `${v.VariantName ?? '?'}: ${v.InitialInstanceCount ?? '?'}`);
  await run.mutate('CreateEndpointConfig', { EndpointConfigName: p.newName, InitialInstanceCount: raised.join(', ') }, () =>
    run.client.send(new CreateEndpointConfigCommand(input as unknown as CreateEndpointConfigInput)),
  );
  if (!run.dryRun) {
    run.ctx.state.facts.created = addUnique(run.ctx.state.facts.created, p.newName);
    await run.ctx.persist();
  }
  return run.acted(`created ${p.newName} from ${p.sourceName} (InitialInstanceCount ${raised.join(', ') || 'unchanged'})`);
}

export async function switchConfig(run: StepRun, p: OperationParams['endpoints.switch-config']): Promise<StepOutcome> {
  const facts = run.ctx.state.facts;
  const users = await endpointsUsing(run, p.oldConfigName);
  const moved: string[] = [];
  for (let use of users) {
    if (use.current === p.newConfigName || use.pending === p.newConfigName) continue;
    if (use.status !== 'InService' && !run.dryRun) {
      const d = await waitSettled(run, use.name, run.ctx.defaultMaxWaitSeconds);
      use = useOf(d);
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
}

export async function waitInService(run: StepRun, p: OperationParams['endpoints.wait-in-service']): Promise<StepOutcome> {
  const names = new Set([...(await endpointsUsing(run, p.configName)).map((u) => u.name), ...(run.ctx.state.facts.switched ?? [])]);
  if (names.size === 0) return run.skipped(`no endpoint uses ${p.configName}`);
  if (run.dryRun) return { status: 'dry-run', detail: `would wait until ${names.size} endpoint(s) are InService (at most ${p.maxWaitSeconds} s)` };
  const deadline = Date.now() + p.maxWaitSeconds * 1000;
  for (const name of names) {
    const d = await waitSettled(run, name, Math.max(1, Math.ceil((deadline - Date.now()) / 1000)));
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
}

export async function deleteIfUnused(run: StepRun, p: OperationParams['endpoint-config.delete-if-unused']): Promise<StepOutcome> {
  if (!run.ctx.state.savedCopies[copyKey(KIND, p.name)]) {
    throw new RemediationError(`refusing to delete ${p.name}: no copy of it is saved in the job`, 'NoSnapshot', false);
  }
  if (!(await describeConfig(run, p.name))) return run.skipped(`${p.name} is already gone (its copy stays in the job)`);
  const users = await endpointsUsing(run, p.name);
  if (users.length > 0 && !run.dryRun) {
    throw new RemediationError(`refusing to delete ${p.name}: still used by endpoint(s) ${users.map((u) => u.name).join(', ')}`, 'StillInUse', false);
  }
  if (users.length > 0) run.notes.push(`in a real run the endpoints ${users.map((u) => u.name).join(', ')} would have been switched first`);
  await run.mutate('DeleteEndpointConfig', { EndpointConfigName: p.name }, () => run.client.send(new DeleteEndpointConfigCommand({ EndpointConfigName: p.name })));
  if (!run.dryRun) {
    run.ctx.state.facts.deleted = addUnique(run.ctx.state.facts.deleted, p.name);
    await run.ctx.persist();
  }
  return run.acted(`deleted ${p.name} (its copy stays in the job)`);
}

/**
 * Undo from any point: the old config exists again (recreated from its copy if deleted), every endpoint on the new
 * config goes back to it, and the new config is deleted when this plan made it and nothing uses it.
 */
export async function rollbackEndpointSwitch(run: StepRun, swap: { oldName: string; newName: string }): Promise<string[]> {
  if (run.dryRun) return [];
  const { oldName, newName } = swap;
  const facts = run.ctx.state.facts;
  const done: string[] = [];
  const saved = run.ctx.state.savedCopies[copyKey(KIND, oldName)];
  if (!(await describeConfig(run, oldName))) {
    if (!saved) throw new RemediationError(`${oldName} is gone and no copy of it was saved`, 'NoSnapshot', false);
    await run.mutate('CreateEndpointConfig', { EndpointConfigName: oldName }, () =>
      run.client.send(new CreateEndpointConfigCommand(configInputFrom(saved.detail, oldName, saved.tags) as unknown as CreateEndpointConfigInput)),
    );
    done.push(`recreated ${oldName} from its saved copy`);
  }
  const ours = (facts.created ?? []).includes(newName) || (facts.createIntent ?? []).includes(newName);
  const onNew = new Set([...(ours ? (await endpointsUsing(run, newName)).map((u) => u.name) : []), ...(facts.switched ?? [])]);
  const back: string[] = [];
  for (const name of onNew) {
    const d = await waitSettled(run, name, run.ctx.defaultMaxWaitSeconds).catch(() => describeEndpoint(run, name));
    if (!d || d.EndpointConfigName !== newName) continue;
    await switchEndpoint(run, name, oldName);
    back.push(name);
  }
  if (back.length > 0) {
    done.push(`switched ${back.join(', ')} back to ${oldName}`);
    // The new config stays in use until the switch back has finished.
    for (const name of back) await waitSettled(run, name, run.ctx.defaultMaxWaitSeconds).catch(() => undefined);
  }
  if (ours && (await describeConfig(run, newName))) {
    const users = await endpointsUsing(run, newName);
    if (users.every((u) => u.current !== newName && u.pending !== newName)) {
      await run.mutate('DeleteEndpointConfig', { EndpointConfigName: newName }, () => run.client.send(new DeleteEndpointConfigCommand({ EndpointConfigName: newName })));
      done.push(`deleted the new configuration ${newName}`);
    } else {
      done.push(`kept ${newName} until ${users.map((u) => u.name).join(', ')} finish switching back (delete it afterwards)`);
    }
  }
  return done;
}
