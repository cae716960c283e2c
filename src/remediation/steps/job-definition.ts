import {
  CreateDataQualityJobDefinitionCommand,
  CreateModelBiasJobDefinitionCommand,
  CreateModelExplainabilityJobDefinitionCommand,
  CreateModelQualityJobDefinitionCommand,
  DeleteDataQualityJobDefinitionCommand,
  DeleteModelBiasJobDefinitionCommand,
  DeleteModelExplainabilityJobDefinitionCommand,
  DeleteModelQualityJobDefinitionCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeModelBiasJobDefinitionCommand,
  DescribeModelExplainabilityJobDefinitionCommand,
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  UpdateMonitoringScheduleCommand,
  paginateListMonitoringSchedules,
} from '@aws-sdk/client-sagemaker';
import type {
  CreateDataQualityJobDefinitionCommandInput,
  CreateModelBiasJobDefinitionCommandInput,
  CreateModelExplainabilityJobDefinitionCommandInput,
  CreateModelQualityJobDefinitionCommandInput,
  DescribeMonitoringScheduleResponse,
  MonitoringNetworkConfig,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { MONITORING_TYPES } from '../../aws/resources.js';
import type { JobDefinitionKind } from '../../aws/resources.js';
import { PlanStoppedError, RemediationError, isNotFound } from '../errors.js';
import type { OperationParams } from '../operations.js';
import type { JsonValue } from '../plan.js';
import { addUnique, copyKey, isSubset, nowIso, pollUntil, readAllTags, settableTags, toJson } from './common.js';
import type { PollVerdict, SavedCopy, StepOutcome, StepRun } from './common.js';

/**
 * Model Monitor job definitions cannot be updated, so a fix is a swap (SageMaker.9/.10/.11/.12/.13/.15/.20/.25):
 * snapshot → create the compliant copy under a new name → repoint every schedule → wait until they leave Pending →
 * delete the old only when nothing references it. `rollbackDefinitionSwap` undoes it from any point.
 */

type Family = {
  describeOp: string;
  createOp: string;
  deleteOp: string;
  describe(client: SageMakerClient, name: string): Promise<object>;
  create(client: SageMakerClient, input: Record<string, unknown>): Promise<unknown>;
  delete(client: SageMakerClient, name: string): Promise<unknown>;
};

const FAMILIES: Record<JobDefinitionKind, Family> = {
  'data-quality-job-definition': {
    describeOp: 'DescribeDataQualityJobDefinition',
    createOp: 'CreateDataQualityJobDefinition',
    deleteOp: 'DeleteDataQualityJobDefinition',
    describe: (c, name) => c.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: name })),
    create: (c, input) => c.send(new CreateDataQualityJobDefinitionCommand(input as unknown as CreateDataQualityJobDefinitionCommandInput)),
    delete: (c, name) => c.send(new DeleteDataQualityJobDefinitionCommand({ JobDefinitionName: name })),
  },
  'model-quality-job-definition': {
    describeOp: 'DescribeModelQualityJobDefinition',
    createOp: 'CreateModelQualityJobDefinition',
    deleteOp: 'DeleteModelQualityJobDefinition',
    describe: (c, name) => c.send(new DescribeModelQualityJobDefinitionCommand({ JobDefinitionName: name })),
    create: (c, input) => c.send(new CreateModelQualityJobDefinitionCommand(input as unknown as CreateModelQualityJobDefinitionCommandInput)),
    delete: (c, name) => c.send(new DeleteModelQualityJobDefinitionCommand({ JobDefinitionName: name })),
  },
  'model-bias-job-definition': {
    describeOp: 'DescribeModelBiasJobDefinition',
    createOp: 'CreateModelBiasJobDefinition',
    deleteOp: 'DeleteModelBiasJobDefinition',
    describe: (c, name) => c.send(new DescribeModelBiasJobDefinitionCommand({ JobDefinitionName: name })),
    create: (c, input) => c.send(new CreateModelBiasJobDefinitionCommand(input as unknown as CreateModelBiasJobDefinitionCommandInput)),
    delete: (c, name) => c.send(new DeleteModelBiasJobDefinitionCommand({ JobDefinitionName: name })),
  },
  'model-explainability-job-definition': {
    describeOp: 'DescribeModelExplainabilityJobDefinition',
    createOp: 'CreateModelExplainabilityJobDefinition',
    deleteOp: 'DeleteModelExplainabilityJobDefinition',
    describe: (c, name) => c.send(new DescribeModelExplainabilityJobDefinitionCommand({ JobDefinitionName: name })),
    create: (c, input) =>
      c.send(new CreateModelExplainabilityJobDefinitionCommand(input as unknown as CreateModelExplainabilityJobDefinitionCommandInput)),
    delete: (c, name) => c.send(new DeleteModelExplainabilityJobDefinitionCommand({ JobDefinitionName: name })),
  },
};

/** Output-only fields of the Describe responses; everything else is a Create input of the same name. */
const OUTPUT_ONLY = new Set(['JobDefinitionArn', 'JobDefinitionName', 'CreationTime', '$metadata']);

type Json = { [key: string]: JsonValue };

async function describeDefinition(run: StepRun, kind: JobDefinitionKind, name: string): Promise<Json | undefined> {
  const f = FAMILIES[kind];
  const out = await run.readOptional(f.describeOp, () => f.describe(run.client, name), isNotFound);
  return out ? toJson(out) : undefined;
}

/** The Create input that reproduces a described definition: every field copied, the name and tags given. */
export function createInputFrom(detail: Json, name: string, tags: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(detail)) if (!OUTPUT_ONLY.has(k)) input[k] = v;
  input.JobDefinitionName = name;
  const settable = settableTags(tags);
  if (settable.length > 0) input.Tags = settable;
  return input;
}

function compliantInput(source: SavedCopy, p: OperationParams['job-definition.create-compliant']): Record<string, unknown> {
  const input = createInputFrom(source.detail, p.newName, source.tags);
  const network: MonitoringNetworkConfig = { ...((input.NetworkConfig as MonitoringNetworkConfig | undefined) ?? {}) };
  if (p.enableNetworkIsolation) network.EnableNetworkIsolation = true;
  if (p.enableInterContainerTrafficEncryption) network.EnableInterContainerTrafficEncryption = true;
  input.NetworkConfig = network;
  return input;
}

/** Schedules whose MonitoringJobDefinitionName is `name` (ListMonitoringSchedules filter, paginated). */
export async function schedulesUsing(run: StepRun, kind: JobDefinitionKind, name: string): Promise<string[]> {
  const names: string[] = [];
  await run.read('ListMonitoringSchedules', async () => {
    for await (const page of paginateListMonitoringSchedules(
      { client: run.client, pageSize: 100 },
      { MonitoringJobDefinitionName: name, MonitoringTypeEquals: MONITORING_TYPES[kind] },
    )) {
      for (const s of page.MonitoringScheduleSummaries ?? []) {
        // The filter is trusted but checked: a schedule is only touched when it really names this definition.
        const sameName = s.MonitoringJobDefinitionName === undefined || s.MonitoringJobDefinitionName === name;
        const sameType = s.MonitoringType === undefined || s.MonitoringType === MONITORING_TYPES[kind];
        if (s.MonitoringScheduleName && sameName && sameType) {
          names.push(s.MonitoringScheduleName);
        }
      }
    }
  });
  return names;
}

async function describeSchedule(run: StepRun, name: string): Promise<DescribeMonitoringScheduleResponse | undefined> {
  return run.readOptional(
    'DescribeMonitoringSchedule',
    () => run.client.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name })),
    isNotFound,
  );
}

function waitNotPending(run: StepRun, name: string, maxWaitSeconds: number): Promise<DescribeMonitoringScheduleResponse> {
  return pollUntil(run.ctx, `monitoring schedule ${name} to leave Pending`, maxWaitSeconds, async (): Promise<PollVerdict<DescribeMonitoringScheduleResponse>> => {
    const d = await describeSchedule(run, name);
    if (!d) return { state: 'failure', message: `monitoring schedule ${name} no longer exists`, code: 'ResourceNotFound' };
    const status = d.MonitoringScheduleStatus ?? 'unknown';
    if (status === 'Pending') return { state: 'retry', status };
    if (status === 'Failed') {
      return { state: 'failure', message: `monitoring schedule ${name} is Failed${d.FailureReason ? `: ${d.FailureReason}` : ''}`, code: 'ScheduleFailed' };
    }
    return { state: 'success', value: d };
  });
}

/** Points one schedule at `definition`, keeping its cron (ScheduleConfig) and type. */
async function pointScheduleAt(run: StepRun, kind: JobDefinitionKind, d: DescribeMonitoringScheduleResponse, definition: string): Promise<void> {
  const name = d.MonitoringScheduleName ?? '';
  const config = d.MonitoringScheduleConfig ?? {};
  const MonitoringScheduleConfig = {
    MonitoringJobDefinitionName: definition,
    MonitoringType: config.MonitoringType ?? d.MonitoringType ?? MONITORING_TYPES[kind],
    ...(config.ScheduleConfig ? { ScheduleConfig: config.ScheduleConfig } : {}),
  };
  await run.mutate('UpdateMonitoringSchedule', { MonitoringScheduleName: name, MonitoringJobDefinitionName: definition }, () =>
    run.client.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig })),
  );
}

/* ------------------------------------------------------------------------------------------------------------------ */

export async function snapshot(run: StepRun, p: OperationParams['job-definition.snapshot']): Promise<StepOutcome> {
  const key = copyKey(p.kind, p.name);
  if (run.ctx.state.savedCopies[key]) return run.skipped(`a copy of ${p.name} was already saved`);
  const detail = await describeDefinition(run, p.kind, p.name);
  if (!detail) throw new PlanStoppedError(`job definition ${p.name} no longer exists`, 'ResourceNotFound');
  const arn = typeof detail.JobDefinitionArn === 'string' ? detail.JobDefinitionArn : undefined;
  if (!arn) throw new RemediationError(`${FAMILIES[p.kind].describeOp} returned no JobDefinitionArn for ${p.name}`, 'IncompleteDescribe', false);
  const tags = await readAllTags(run, arn);
  run.ctx.state.savedCopies[key] = { kind: p.kind, name: p.name, arn, detail, tags, savedAt: nowIso(run.ctx) };
  await run.ctx.persist();
  return { status: 'done', detail: `saved a copy of ${p.name} (${Object.keys(detail).length} fields, ${Object.keys(tags).length} tags) in the job` };
}

export async function createCompliant(run: StepRun, p: OperationParams['job-definition.create-compliant']): Promise<StepOutcome> {
  const source = run.ctx.state.savedCopies[copyKey(p.kind, p.sourceName)];
  if (!source) throw new RemediationError(`no saved copy of ${p.sourceName}: the snapshot step must run first`, 'NoSnapshot', false);
  const input = compliantInput(source, p);
  const { JobDefinitionName: _n, Tags: _t, ...expected } = input;

  const existing = await describeDefinition(run, p.kind, p.newName);
  if (existing) {
    if (isSubset(expected, existing)) {
      return run.skipped(`${p.newName} already exists with the compliant settings`);
    }
    throw new PlanStoppedError(
      `job definition ${p.newName} already exists with different settings; it was not made by this fix. Rename or delete it, then run /sagemaker-audit again`,
      'NameTaken',
    );
  }
  const f = FAMILIES[p.kind];
  if (!run.dryRun) {
    // Recorded before the call: a crash right after it still knows the new definition is ours to delete on rollback.
    run.ctx.state.facts.createIntent = addUnique(run.ctx.state.facts.createIntent, p.newName);
    await run.ctx.persist();
  }
  const flags = {
    ...(p.enableNetworkIsolation ? { EnableNetworkIsolation: true } : {}),
    ...(p.enableInterContainerTrafficEncryption ? { EnableInterContainerTrafficEncryption: true } : {}),
  };
  await run.mutate(f.createOp, { JobDefinitionName: p.newName, ...flags, Tags: Object.keys(source.tags).length }, () => f.create(run.client, input));
  if (!run.dryRun) {
    run.ctx.state.facts.created = addUnique(run.ctx.state.facts.created, p.newName);
    await run.ctx.persist();
  }
  return run.acted(`created ${p.newName} (copy of ${p.sourceName} with ${Object.keys(flags).join(', ')} on, ${settableTags(source.tags).length} tags)`);
}

export async function repoint(run: StepRun, p: OperationParams['schedules.repoint']): Promise<StepOutcome> {
  const facts = run.ctx.state.facts;
  const using = await schedulesUsing(run, p.kind, p.oldName);
  const moved: string[] = [];
  for (const name of using) {
    let d = await describeSchedule(run, name);
    if (!d) continue;
    if (d.MonitoringScheduleConfig?.MonitoringJobDefinitionName === p.newName) continue;
    if (d.MonitoringScheduleStatus === 'Pending' && !run.dryRun) d = await waitNotPending(run, name, run.ctx.defaultMaxWaitSeconds);
    if (!run.dryRun) {
      facts.repointed = addUnique(facts.repointed, name);
      await run.ctx.persist();
    }
    await pointScheduleAt(run, p.kind, d, p.newName);
    moved.push(name);
  }
  const already = (facts.repointed ?? []).filter((n) => !moved.includes(n));
  if (moved.length === 0) {
    return run.skipped(using.length === 0 && already.length === 0 ? `no schedule uses ${p.oldName}` : `every schedule already points at ${p.newName}`);
  }
  return run.acted(`pointed ${moved.length} schedule(s) at ${p.newName}: ${moved.join(', ')}`);
}

export async function waitSchedulesNotPending(run: StepRun, p: OperationParams['schedules.wait-not-pending']): Promise<StepOutcome> {
  const names = new Set([...(await schedulesUsing(run, p.kind, p.definitionName)), ...(run.ctx.state.facts.repointed ?? [])]);
  if (names.size === 0) return run.skipped(`no schedule uses ${p.definitionName}`);
  if (run.dryRun) return { status: 'dry-run', detail: `would wait until ${names.size} schedule(s) leave Pending (at most ${p.maxWaitSeconds} s)` };
  const deadline = Date.now() + p.maxWaitSeconds * 1000;
  for (const name of names) {
    const d = await waitNotPending(run, name, Math.max(1, Math.ceil((deadline - Date.now()) / 1000)));
    if (d.MonitoringScheduleConfig?.MonitoringJobDefinitionName !== p.definitionName && run.ctx.state.facts.repointed?.includes(name)) {
      throw new RemediationError(
        `monitoring schedule ${name} points at ${d.MonitoringScheduleConfig?.MonitoringJobDefinitionName ?? 'nothing'}, not ${p.definitionName}, after the update`,
        'RepointNotApplied',
        false,
      );
    }
  }
  return { status: 'done', detail: `${names.size} schedule(s) left Pending: ${[...names].join(', ')}` };
}

export async function deleteIfUnused(run: StepRun, p: OperationParams['job-definition.delete-if-unused']): Promise<StepOutcome> {
  const key = copyKey(p.kind, p.name);
  if (!run.ctx.state.savedCopies[key]) {
    throw new RemediationError(`refusing to delete ${p.name}: no copy of it is saved in the job`, 'NoSnapshot', false);
  }
  const existing = await describeDefinition(run, p.kind, p.name);
  if (!existing) return run.skipped(`${p.name} is already gone (its copy stays in the job)`);
  const users = await schedulesUsing(run, p.kind, p.name);
  if (users.length > 0 && !run.dryRun) {
    throw new RemediationError(`refusing to delete ${p.name}: still used by schedule(s) ${users.join(', ')}`, 'StillInUse', false);
  }
  if (users.length > 0) run.notes.push(`in a real run the schedules ${users.join(', ')} would have been repointed first`);
  const f = FAMILIES[p.kind];
  await run.mutate(f.deleteOp, { JobDefinitionName: p.name }, () => f.delete(run.client, p.name));
  if (!run.dryRun) {
    run.ctx.state.facts.deleted = addUnique(run.ctx.state.facts.deleted, p.name);
    await run.ctx.persist();
  }
  return run.acted(`deleted ${p.name} (its copy stays in the job)`);
}

/**
 * Undo a swap from any point. Afterwards every schedule points at a definition that exists and no definition is
 * lost: the original is recreated from its saved copy if it was deleted, schedules pointing at the new definition
 * go back to the original, and the new definition is deleted when this plan created it and nothing uses it.
 */
export async function rollbackDefinitionSwap(
  run: StepRun,
  swap: { kind: JobDefinitionKind; oldName: string; newName: string },
): Promise<string[]> {
  if (run.dryRun) return [];
  const { kind, oldName, newName } = swap;
  const facts = run.ctx.state.facts;
  const done: string[] = [];
  const f = FAMILIES[kind];

  // 1. The original must exist before anything points back at it.
  const saved = run.ctx.state.savedCopies[copyKey(kind, oldName)];
  const original = await describeDefinition(run, kind, oldName);
  if (!original) {
    if (!saved) throw new RemediationError(`${oldName} is gone and no copy of it was saved`, 'NoSnapshot', false);
    await run.mutate(f.createOp, { JobDefinitionName: oldName }, () => f.create(run.client, createInputFrom(saved.detail, oldName, saved.tags)));
    done.push(`recreated ${oldName} from its saved copy (same name and tags)`);
  }

  // 2. Schedules this plan repointed (recorded before each call), plus, when the new definition is ours, any schedule
  //    on it, go back to the original. A same-named definition that was not ours keeps its schedules.
  const ours = (facts.created ?? []).includes(newName) || (facts.createIntent ?? []).includes(newName);
  const onNew = new Set([...(ours ? await schedulesUsing(run, kind, newName) : []), ...(facts.repointed ?? [])]);
  const back: string[] = [];
  for (const name of onNew) {
    let d = await describeSchedule(run, name);
    if (!d || d.MonitoringScheduleConfig?.MonitoringJobDefinitionName !== newName) continue;
    if (d.MonitoringScheduleStatus === 'Pending') d = await waitNotPending(run, name, run.ctx.defaultMaxWaitSeconds);
    await pointScheduleAt(run, kind, d, oldName);
    back.push(name);
  }
  if (back.length > 0) done.push(`pointed ${back.length} schedule(s) back at ${oldName}: ${back.join(', ')}`);

  // 3. The new definition goes, if this plan made it and nothing uses it any more.
  if (ours && (await describeDefinition(run, kind, newName))) {
    const users = await schedulesUsing(run, kind, newName);
    if (users.length === 0) {
      await run.mutate(f.deleteOp, { JobDefinitionName: newName }, () => f.delete(run.client, newName));
      done.push(`deleted the new definition ${newName}`);
    } else {
      done.push(`kept ${newName}: still used by ${users.join(', ')}`);
    }
  }
  return done;
}
