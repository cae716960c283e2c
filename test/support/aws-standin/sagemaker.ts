import { JOB_DEFINITIONS, KINDS } from '../../../src/aws/kinds/index.js';
import type { MonitoringType } from '../../../src/aws/kinds/index.js';
import type { ResourceKind } from '../../../src/aws/resources.js';
import type { CallContext, Handler, Json } from './context.js';
import { arr, clone, epoch, num, obj, str } from './context.js';
import { AwsError, resourceInUse, resourceNotFound, validation } from './errors.js';
import { paginate } from './pagination.js';
import type { RegionState, SageMakerKind, StoredResource, Tag } from './state.js';

/* ------------------------------------------------------------------ helpers */

/**
 * Kinds whose ARN carries the lower-cased name (AWS convention): the same fact the product's kind descriptors hold,
 * plus endpoints, which the product only reads through the endpoint-config fix.
 */
const LOWERCASE_ARN = new Set<SageMakerKind>([...Object.values(KINDS).filter((d) => d.lowercaseArnName).map((d) => d.kind), 'endpoint']);
/** Kinds whose names are unique case-insensitively (looked up by lower-cased name). */
const CASE_INSENSITIVE = LOWERCASE_ARN;

export function sagemakerArn(kind: SageMakerKind, accountId: string, region: string, name: string): string {
  return `arn:aws:sagemaker:${region}:${accountId}:${kind}/${LOWERCASE_ARN.has(kind) ? name.toLowerCase() : name}`;
}

const keyOf = (kind: SageMakerKind, name: string): string => (CASE_INSENSITIVE.has(kind) ? name.toLowerCase() : name);

/** Apply due transitions and drop deleted resources. */
function settle(table: Map<string, StoredResource>, key: string, r: StoredResource, now: number): StoredResource | undefined {
  while (r.transitions.length > 0 && r.transitions[0]!.at <= now) {
    const t = r.transitions.shift()!;
    t.apply(r);
    // A status change shows in Describe, so it counts as a modification (timestamped when it happened).
    touch(r, t.at);
  }
  if (r.deleted) {
    table.delete(key);
    return undefined;
  }
  return r;
}

export function getResource(state: RegionState, kind: SageMakerKind, name: string, now: number): StoredResource | undefined {
  const table = state.table(kind);
  const key = keyOf(kind, name);
  const r = table.get(key);
  return r ? settle(table, key, r, now) : undefined;
}

export function listResources(state: RegionState, kind: SageMakerKind, now: number): StoredResource[] {
  const table = state.table(kind);
  const out: StoredResource[] = [];
  for (const [key, r] of [...table.entries()]) {
    const s = settle(table, key, r, now);
    if (s) out.push(s);
  }
  return out;
}

function requireName(input: Json, field: string): string {
  const v = str(input[field]);
  if (!v) throw validation(`1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`);
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(v) || v.length > 63) {
    throw validation(`1 validation error detected: Value '${v}' at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`);
  }
  return v;
}

function requireFields(input: Json, fields: string[]): void {
  const missing = fields.filter((f) => input[f] === undefined || input[f] === null);
  if (missing.length > 0) {
    const parts = missing.map((f) => `Value null at '${f.charAt(0).toLowerCase()}${f.slice(1)}' failed to satisfy constraint: Member must not be null`);
    throw validation(`${missing.length} validation error${missing.length > 1 ? 's' : ''} detected: ${parts.join('; ')}`);
  }
}

function setTags(state: RegionState, arn: string, tags: unknown): void {
  const list = arr(tags).map((t) => ({ Key: String(obj(t)?.Key), Value: str(obj(t)?.Value) ?? '' }));
  if (list.length > 0) mergeTags(state, arn, list);
}

function mergeTags(state: RegionState, arn: string, tags: Tag[]): Tag[] {
  const current = state.tags.get(arn) ?? [];
  for (const t of tags) {
    const i = current.findIndex((c) => c.Key === t.Key);
    if (i >= 0) current[i] = t;
    else current.push(t);
  }
  if (current.length > 50) throw validation('Could not add tags: number of tags on the resource would exceed the limit of 50');
  state.tags.set(arn, current);
  return current;
}

/**
 * Advance LastModifiedTime. Strictly later than before, so two changes within one millisecond still differ to a cache
 * keyed on it.
 */
export function touch(r: StoredResource, at: number): void {
  r.modifiedAt = Math.max(at, r.modifiedAt + 1);
}

/** Create* of a kind whose per-account/Region quota is reached answers ResourceLimitExceeded. */
function checkQuota(ctx: CallContext, kind: SageMakerKind): void {
  const limit = ctx.state.quotas.get(kind);
  if (limit === undefined) return;
  const used = listResources(ctx.state, kind, ctx.now).length;
  if (used < limit) return;
  const { name, unit } = quotaName(kind);
  throw new AwsError(
    'ResourceLimitExceeded',
    `The account-level service limit '${name}' is ${limit} ${unit}, with current utilization of ${used} ${unit} and a request delta of 1 ${unit}. Please contact AWS support to request an increase for this limit.`,
    400,
  );
}

/** Service Quotas name and unit in the message; only the notebook one is taken from a real answer. */
function quotaName(kind: SageMakerKind): { name: string; unit: string } {
  if (kind === 'notebook-instance') return { name: 'Total number of notebook instances', unit: 'NotebookInstances' };
  const words = kind.split('-');
  return { name: `Number of ${words.join(' ')}s`, unit: `${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}s` };
}

function insert(ctx: CallContext, kind: SageMakerKind, name: string, input: Json, status?: string): StoredResource {
  checkQuota(ctx, kind);
  const { Tags, ...rest } = input;
  const key = keyOf(kind, name);
  // A re-created name always gets a later CreationTime than the one deleted, even within one millisecond.
  const previous = ctx.state.lastCreatedAt.get(`${kind}/${key}`);
  const createdAt = previous === undefined ? ctx.now : Math.max(ctx.now, previous + 1);
  ctx.state.lastCreatedAt.set(`${kind}/${key}`, createdAt);
  const r: StoredResource = {
    kind,
    name,
    arn: sagemakerArn(kind, ctx.accountId, ctx.region, name),
    input: clone(rest),
    createdAt,
    modifiedAt: createdAt,
    status,
    transitions: [],
    extra: {},
  };
  ctx.state.table(kind).set(key, r);
  setTags(ctx.state, r.arn, Tags);
  return r;
}

function removeNow(ctx: CallContext, r: StoredResource): void {
  ctx.state.table(r.kind).delete(keyOf(r.kind, r.name));
  ctx.state.tags.delete(r.arn);
}

/** Schedule a status change `delay` ms from now (0 = visible on the next read). */
function later(ctx: CallContext, r: StoredResource, delay: number, apply: (r: StoredResource) => void): void {
  const base = r.transitions.length > 0 ? r.transitions[r.transitions.length - 1]!.at : ctx.now;
  r.transitions.push({ at: Math.max(base, ctx.now + delay), apply });
}

function setStatus(r: StoredResource, status: string, now: number): void {
  r.status = status;
  r.transitions = [];
  touch(r, now);
}

/** Copy the given Update* input fields that are present onto the stored input, and mark the resource modified. */
function applyUpdate(r: StoredResource, input: Json, fields: string[], now: number): void {
  for (const f of fields) if (input[f] !== undefined) r.input[f] = clone(input[f]);
  touch(r, now);
}

/* ------------------------------------------------------------------ list machinery */

interface ListSpec {
  kind: SageMakerKind;
  operation: string;
  outputKey: string;
  summary: (r: StoredResource, ctx: CallContext) => Json;
  sortDefault: string;
  orderDefault: string;
  /** SortBy value -> comparable. */
  sortKeys: Record<string, (r: StoredResource) => string | number>;
  filter?: (r: StoredResource, input: Json, ctx: CallContext) => boolean;
  statusOf?: (r: StoredResource) => string | undefined;
  endpointOf?: (r: StoredResource, ctx: CallContext) => string | undefined;
  defaultMax?: number;
  max?: number;
}

function listHandler(spec: ListSpec): Handler {
  return (ctx, input) => {
    let items = listResources(ctx.state, spec.kind, ctx.now);
    const nameContains = str(input.NameContains);
    if (nameContains) items = items.filter((r) => r.name.toLowerCase().includes(nameContains.toLowerCase()));
    const after = num(input.CreationTimeAfter);
    if (after !== undefined) items = items.filter((r) => epoch(r.createdAt) > after);
    const before = num(input.CreationTimeBefore);
    if (before !== undefined) items = items.filter((r) => epoch(r.createdAt) < before);
    // ListAppImageConfigs calls these ModifiedTimeAfter/Before.
    const mAfter = num(input.LastModifiedTimeAfter ?? input.ModifiedTimeAfter);
    if (mAfter !== undefined) items = items.filter((r) => epoch(r.modifiedAt) > mAfter);
    const mBefore = num(input.LastModifiedTimeBefore ?? input.ModifiedTimeBefore);
    if (mBefore !== undefined) items = items.filter((r) => epoch(r.modifiedAt) < mBefore);
    const statusEquals = str(input.StatusEquals);
    if (statusEquals && spec.statusOf) items = items.filter((r) => spec.statusOf!(r) === statusEquals);
    const endpointName = str(input.EndpointName);
    if (endpointName && spec.endpointOf) items = items.filter((r) => spec.endpointOf!(r, ctx) === endpointName);
    if (spec.filter) items = items.filter((r) => spec.filter!(r, input, ctx));

    const sortBy = str(input.SortBy) ?? spec.sortDefault;
    const key = spec.sortKeys[sortBy];
    if (!key) throw validation(`1 validation error detected: Value '${sortBy}' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [${Object.keys(spec.sortKeys).join(', ')}]`);
    const order = str(input.SortOrder) ?? spec.orderDefault;
    const desc = order.toLowerCase() === 'descending';
    items = [...items].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : 0;
      return desc ? -c : c;
    });
    const { page, nextToken } = paginate(items, input, { operation: spec.operation, defaultMax: spec.defaultMax ?? 10, max: spec.max ?? 100 });
    const out: Json = { [spec.outputKey]: page.map((r) => spec.summary(r, ctx)) };
    if (nextToken) out.NextToken = nextToken;
    return out;
  };
}

const byName = (r: StoredResource): string => r.name;
const byCreation = (r: StoredResource): number => r.createdAt;
const byModified = (r: StoredResource): number => r.modifiedAt;
const byStatus = (r: StoredResource): string => r.status ?? '';

/* ------------------------------------------------------------------ notebook instances */

function notebookOrThrow(ctx: CallContext, input: Json): StoredResource {
  const name = str(input.NotebookInstanceName);
  if (!name) throw validation("1 validation error detected: Value null at 'notebookInstanceName' failed to satisfy constraint: Member must not be null");
  const r = getResource(ctx.state, 'notebook-instance', name, ctx.now);
  if (!r) throw validation('RecordNotFound');
  return r;
}

function transitionError(r: StoredResource, allowed: string[], target: string): AwsError {
  return validation(`Status (${r.status}) not in ([${allowed.join(', ')}]). Unable to transition to (${target}) for Notebook Instance (${r.arn})`);
}

function describeNotebook(r: StoredResource, ctx: CallContext): Json {
  const i = r.input;
  const out: Json = {
    NotebookInstanceArn: r.arn,
    NotebookInstanceName: r.name,
    NotebookInstanceStatus: r.status,
    Url: `${r.name.toLowerCase()}.notebook.${ctx.region}.sagemaker.aws`,
    InstanceType: i.InstanceType,
    SubnetId: i.SubnetId,
    SecurityGroups: i.SecurityGroupIds,
    RoleArn: i.RoleArn,
    KmsKeyId: i.KmsKeyId,
    NetworkInterfaceId: i.SubnetId ? `eni-${hex(r.arn, 17)}` : undefined,
    LastModifiedTime: epoch(r.modifiedAt),
    CreationTime: epoch(r.createdAt),
    NotebookInstanceLifecycleConfigName: i.LifecycleConfigName,
    DirectInternetAccess: i.DirectInternetAccess ?? 'Enabled',
    VolumeSizeInGB: i.VolumeSizeInGB ?? 5,
    AcceleratorTypes: i.AcceleratorTypes,
    DefaultCodeRepository: i.DefaultCodeRepository,
    AdditionalCodeRepositories: i.AdditionalCodeRepositories,
    RootAccess: i.RootAccess ?? 'Enabled',
    PlatformIdentifier: i.PlatformIdentifier ?? 'notebook-al2023-v1',
    InstanceMetadataServiceConfiguration: i.InstanceMetadataServiceConfiguration ?? { MinimumInstanceMetadataServiceVersion: '1' },
    IpAddressType: i.IpAddressType,
  };
  if (r.status === 'Failed' && r.failureReason) out.FailureReason = r.failureReason;
  return out;
}

function hex(seed: string, len: number): string {
  let h = 2166136261;
  let out = '';
  while (out.length < len) {
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, len);
}

const notebookHandlers: Record<string, Handler> = {
  CreateNotebookInstance(ctx, input) {
    const name = requireName(input, 'NotebookInstanceName');
    requireFields(input, ['InstanceType', 'RoleArn']);
    if (input.DirectInternetAccess === 'Disabled' && !input.SubnetId) {
      throw validation('Direct internet access can only be disabled when the notebook instance is launched in a VPC (SubnetId is required)');
    }
    if (input.SubnetId && !arr(input.SecurityGroupIds).length) {
      throw validation('SecurityGroupIds are required when SubnetId is specified');
    }
    if (getResource(ctx.state, 'notebook-instance', name, ctx.now)) {
      throw validation(`Cannot create a duplicate Notebook Instance (${sagemakerArn('notebook-instance', ctx.accountId, ctx.region, name)})`);
    }
    const r = insert(ctx, 'notebook-instance', name, input, 'Pending');
    later(ctx, r, ctx.shared.delays.notebookPending, (x) => (x.status = 'InService'));
    return { NotebookInstanceArn: r.arn };
  },
  DescribeNotebookInstance(ctx, input) {
    return describeNotebook(notebookOrThrow(ctx, input), ctx);
  },
  ListNotebookInstances: listHandler({
    kind: 'notebook-instance',
    operation: 'ListNotebookInstances',
    outputKey: 'NotebookInstances',
    sortDefault: 'Name',
    orderDefault: 'Ascending',
    sortKeys: { Name: byName, CreationTime: byCreation, Status: byStatus },
    statusOf: (r) => r.status,
    filter: (r, input) => {
      const lc = str(input.NotebookInstanceLifecycleConfigNameContains);
      if (lc && !String(r.input.LifecycleConfigName ?? '').includes(lc)) return false;
      const repo = str(input.DefaultCodeRepositoryContains);
      if (repo && !String(r.input.DefaultCodeRepository ?? '').includes(repo)) return false;
      const add = str(input.AdditionalCodeRepositoryEquals);
      if (add && !arr(r.input.AdditionalCodeRepositories).includes(add)) return false;
      return true;
    },
    summary: (r, ctx) => ({
      NotebookInstanceName: r.name,
      NotebookInstanceArn: r.arn,
      NotebookInstanceStatus: r.status,
      Url: `${r.name.toLowerCase()}.notebook.${ctx.region}.sagemaker.aws`,
      InstanceType: r.input.InstanceType,
      CreationTime: epoch(r.createdAt),
      LastModifiedTime: epoch(r.modifiedAt),
      NotebookInstanceLifecycleConfigName: r.input.LifecycleConfigName,
      DefaultCodeRepository: r.input.DefaultCodeRepository,
      AdditionalCodeRepositories: r.input.AdditionalCodeRepositories,
    }),
  }),
  StopNotebookInstance(ctx, input) {
    const r = notebookOrThrow(ctx, input);
    if (r.status !== 'InService') throw transitionError(r, ['InService'], 'Stopping');
    r.status = 'Stopping';
    touch(r, ctx.now);
    later(ctx, r, ctx.shared.delays.notebookStopping, (x) => (x.status = 'Stopped'));
    return {};
  },
  StartNotebookInstance(ctx, input) {
    const r = notebookOrThrow(ctx, input);
    if (r.status !== 'Stopped' && r.status !== 'Failed') throw transitionError(r, ['Stopped', 'Failed'], 'Pending');
    r.status = 'Pending';
    r.failureReason = undefined;
    touch(r, ctx.now);
    later(ctx, r, ctx.shared.delays.notebookPending, (x) => (x.status = 'InService'));
    return {};
  },
  UpdateNotebookInstance(ctx, input) {
    const r = notebookOrThrow(ctx, input);
    if (r.status !== 'Stopped' && r.status !== 'Failed') throw transitionError(r, ['Stopped', 'Failed'], 'Updating');
    const i = r.input;
    if (input.DisassociateLifecycleConfig) delete i.LifecycleConfigName;
    if (input.DisassociateAcceleratorTypes) delete i.AcceleratorTypes;
    if (input.DisassociateDefaultCodeRepository) delete i.DefaultCodeRepository;
    if (input.DisassociateAdditionalCodeRepositories) delete i.AdditionalCodeRepositories;
    const fields = ['InstanceType', 'RoleArn', 'LifecycleConfigName', 'VolumeSizeInGB', 'DefaultCodeRepository', 'AdditionalCodeRepositories', 'AcceleratorTypes', 'RootAccess', 'InstanceMetadataServiceConfiguration', 'IpAddressType', 'PlatformIdentifier'];
    applyUpdate(r, input, fields, ctx.now);
    r.status = 'Updating';
    r.failureReason = undefined;
    later(ctx, r, ctx.shared.delays.notebookUpdating, (x) => (x.status = 'Stopped'));
    return {};
  },
  DeleteNotebookInstance(ctx, input) {
    const r = notebookOrThrow(ctx, input);
    if (r.status !== 'Stopped' && r.status !== 'Failed') throw transitionError(r, ['Stopped', 'Failed'], 'Deleting');
    r.status = 'Deleting';
    touch(r, ctx.now);
    const tags = ctx.state.tags;
    later(ctx, r, ctx.shared.delays.notebookDeleting, (x) => {
      x.deleted = true;
      tags.delete(x.arn);
    });
    return {};
  },
};

/* ------------------------------------------------------------------ monitoring job definitions */

/** The four Model Monitor families, from the product's descriptors: their MonitoringType and kind. */
const FAMILIES = Object.values(JOB_DEFINITIONS).map((d) => [d.monitoringType, d.kind] as const);
const KIND_OF_TYPE = Object.fromEntries(FAMILIES) as Record<MonitoringType, ResourceKind>;

function jobDefinitionEndpoint(r: StoredResource, family: string): string | undefined {
  const ji = obj(r.input[`${family}JobInput`]);
  return str(obj(ji?.EndpointInput)?.EndpointName);
}

function jobDefinitionHandlers(family: MonitoringType, kind: SageMakerKind): Record<string, Handler> {
  const label = family.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const fields = [`${family}BaselineConfig`, `${family}AppSpecification`, `${family}JobInput`, `${family}JobOutputConfig`, 'JobResources', 'NetworkConfig', 'RoleArn', 'StoppingCondition'];
  const find = (ctx: CallContext, input: Json): StoredResource => {
    const name = str(input.JobDefinitionName);
    if (!name) throw validation("1 validation error detected: Value null at 'jobDefinitionName' failed to satisfy constraint: Member must not be null");
    const r = getResource(ctx.state, kind, name, ctx.now);
    if (!r) throw resourceNotFound(`Could not find ${label} job definition '${name}'`);
    return r;
  };
  return {
    [`Create${family}JobDefinition`](ctx, input) {
      const name = requireName(input, 'JobDefinitionName');
      requireFields(input, [`${family}AppSpecification`, `${family}JobInput`, `${family}JobOutputConfig`, 'JobResources', 'RoleArn']);
      if (getResource(ctx.state, kind, name, ctx.now)) throw resourceInUse(`Job definition with name ${name} already exists`);
      const r = insert(ctx, kind, name, input);
      return { JobDefinitionArn: r.arn };
    },
    [`Describe${family}JobDefinition`](ctx, input) {
      const r = find(ctx, input);
      const out: Json = { JobDefinitionArn: r.arn, JobDefinitionName: r.name, CreationTime: epoch(r.createdAt) };
      for (const f of fields) if (r.input[f] !== undefined) out[f] = clone(r.input[f]);
      return out;
    },
    [`Delete${family}JobDefinition`](ctx, input) {
      removeNow(ctx, find(ctx, input));
      return {};
    },
    [`List${family}JobDefinitions`]: listHandler({
      kind,
      operation: `List${family}JobDefinitions`,
      outputKey: 'JobDefinitionSummaries',
      sortDefault: 'CreationTime',
      orderDefault: 'Descending',
      sortKeys: { Name: byName, CreationTime: byCreation },
      endpointOf: (r) => jobDefinitionEndpoint(r, family),
      summary: (r) => ({
        MonitoringJobDefinitionName: r.name,
        MonitoringJobDefinitionArn: r.arn,
        CreationTime: epoch(r.createdAt),
        EndpointName: jobDefinitionEndpoint(r, family),
      }),
    }),
  };
}

/* ------------------------------------------------------------------ monitoring schedules */

function scheduleType(r: StoredResource): string | undefined {
  const cfg = obj(r.input.MonitoringScheduleConfig);
  if (!cfg) return undefined;
  return str(cfg.MonitoringType) ?? (cfg.MonitoringJobDefinition ? 'DataQuality' : undefined);
}

function scheduleEndpoint(r: StoredResource, ctx: CallContext): string | undefined {
  const cfg = obj(r.input.MonitoringScheduleConfig);
  const embedded = obj(cfg?.MonitoringJobDefinition);
  if (embedded) {
    const first = obj(arr(embedded.MonitoringInputs)[0]);
    return str(obj(first?.EndpointInput)?.EndpointName);
  }
  const defName = str(cfg?.MonitoringJobDefinitionName);
  const type = str(cfg?.MonitoringType) as MonitoringType | undefined;
  if (defName && type && KIND_OF_TYPE[type]) {
    const def = getResource(ctx.state, KIND_OF_TYPE[type], defName, ctx.now);
    return def ? jobDefinitionEndpoint(def, type) : undefined;
  }
  return undefined;
}

/** Validate a MonitoringScheduleConfig: a named definition must exist and match its MonitoringType. */
function validateScheduleConfig(ctx: CallContext, config: unknown): void {
  const cfg = obj(config);
  if (!cfg) throw validation("1 validation error detected: Value null at 'monitoringScheduleConfig' failed to satisfy constraint: Member must not be null");
  const defName = str(cfg.MonitoringJobDefinitionName);
  const embedded = obj(cfg.MonitoringJobDefinition);
  if (defName && embedded) throw validation('Exactly one of MonitoringJobDefinition or MonitoringJobDefinitionName must be provided');
  if (!defName && !embedded) throw validation('Either MonitoringJobDefinition or MonitoringJobDefinitionName must be provided');
  if (defName) {
    const type = str(cfg.MonitoringType) as MonitoringType | undefined;
    if (!type) throw validation('MonitoringType must be provided when MonitoringJobDefinitionName is specified');
    const kind = KIND_OF_TYPE[type];
    if (!kind) throw validation(`1 validation error detected: Value '${type}' at 'monitoringScheduleConfig.monitoringType' failed to satisfy constraint: Member must satisfy enum value set: [DataQuality, ModelQuality, ModelBias, ModelExplainability]`);
    if (!getResource(ctx.state, kind, defName, ctx.now)) {
      throw validation(`Job definition ${defName} of type ${type} does not exist in account ${ctx.accountId}`);
    }
  }
}

function scheduleOrThrow(ctx: CallContext, input: Json): StoredResource {
  const name = str(input.MonitoringScheduleName);
  if (!name) throw validation("1 validation error detected: Value null at 'monitoringScheduleName' failed to satisfy constraint: Member must not be null");
  const r = getResource(ctx.state, 'monitoring-schedule', name, ctx.now);
  if (!r) throw resourceNotFound(`Monitoring schedule ${name} not found in account ${ctx.accountId}`);
  return r;
}

const scheduleHandlers: Record<string, Handler> = {
  CreateMonitoringSchedule(ctx, input) {
    const name = requireName(input, 'MonitoringScheduleName');
    validateScheduleConfig(ctx, input.MonitoringScheduleConfig);
    if (getResource(ctx.state, 'monitoring-schedule', name, ctx.now)) throw resourceInUse(`Monitoring schedule ${name} already exists`);
    const r = insert(ctx, 'monitoring-schedule', name, input, 'Pending');
    later(ctx, r, ctx.shared.delays.schedulePending, (x) => (x.status = 'Scheduled'));
    return { MonitoringScheduleArn: r.arn };
  },
  UpdateMonitoringSchedule(ctx, input) {
    const r = scheduleOrThrow(ctx, input);
    validateScheduleConfig(ctx, input.MonitoringScheduleConfig);
    r.input.MonitoringScheduleConfig = clone(input.MonitoringScheduleConfig);
    r.status = 'Pending';
    r.failureReason = undefined;
    touch(r, ctx.now);
    r.transitions = [];
    later(ctx, r, ctx.shared.delays.schedulePending, (x) => (x.status = 'Scheduled'));
    return { MonitoringScheduleArn: r.arn };
  },
  DescribeMonitoringSchedule(ctx, input) {
    const r = scheduleOrThrow(ctx, input);
    const out: Json = {
      MonitoringScheduleArn: r.arn,
      MonitoringScheduleName: r.name,
      MonitoringScheduleStatus: r.status,
      MonitoringType: scheduleType(r),
      CreationTime: epoch(r.createdAt),
      LastModifiedTime: epoch(r.modifiedAt),
      MonitoringScheduleConfig: clone(r.input.MonitoringScheduleConfig),
      EndpointName: scheduleEndpoint(r, ctx),
    };
    if (r.failureReason) out.FailureReason = r.failureReason;
    return out;
  },
  DeleteMonitoringSchedule(ctx, input) {
    removeNow(ctx, scheduleOrThrow(ctx, input));
    return {};
  },
  // The API documents only ResourceNotFound for these two, so no status is refused.
  StartMonitoringSchedule(ctx, input) {
    setStatus(scheduleOrThrow(ctx, input), 'Scheduled', ctx.now);
    return {};
  },
  StopMonitoringSchedule(ctx, input) {
    setStatus(scheduleOrThrow(ctx, input), 'Stopped', ctx.now);
    return {};
  },
  ListMonitoringSchedules: listHandler({
    kind: 'monitoring-schedule',
    operation: 'ListMonitoringSchedules',
    outputKey: 'MonitoringScheduleSummaries',
    sortDefault: 'CreationTime',
    orderDefault: 'Descending',
    sortKeys: { Name: byName, CreationTime: byCreation, Status: byStatus },
    statusOf: (r) => r.status,
    endpointOf: scheduleEndpoint,
    filter: (r, input) => {
      const cfg = obj(r.input.MonitoringScheduleConfig);
      const def = str(input.MonitoringJobDefinitionName);
      if (def && str(cfg?.MonitoringJobDefinitionName) !== def) return false;
      const type = str(input.MonitoringTypeEquals);
      if (type && scheduleType(r) !== type) return false;
      return true;
    },
    summary: (r, ctx) => ({
      MonitoringScheduleName: r.name,
      MonitoringScheduleArn: r.arn,
      CreationTime: epoch(r.createdAt),
      LastModifiedTime: epoch(r.modifiedAt),
      MonitoringScheduleStatus: r.status,
      EndpointName: scheduleEndpoint(r, ctx),
      MonitoringJobDefinitionName: str(obj(r.input.MonitoringScheduleConfig)?.MonitoringJobDefinitionName),
      MonitoringType: scheduleType(r),
    }),
  }),
};

/* ------------------------------------------------------------------ models, endpoint configs, endpoints */

const modelHandlers: Record<string, Handler> = {
  CreateModel(ctx, input) {
    const name = requireName(input, 'ModelName');
    if (getResource(ctx.state, 'model', name, ctx.now)) throw validation(`Cannot create already existing model "${sagemakerArn('model', ctx.accountId, ctx.region, name)}".`);
    if (!input.PrimaryContainer && !arr(input.Containers).length) throw validation('Either PrimaryContainer or Containers must be specified');
    const r = insert(ctx, 'model', name, input);
    return { ModelArn: r.arn };
  },
  DescribeModel(ctx, input) {
    const name = str(input.ModelName) ?? '';
    const r = getResource(ctx.state, 'model', name, ctx.now);
    if (!r) throw validation(`Could not find model "${sagemakerArn('model', ctx.accountId, ctx.region, name)}".`);
    const i = clone(r.input);
    return {
      ModelName: r.name,
      PrimaryContainer: i.PrimaryContainer,
      Containers: i.Containers,
      InferenceExecutionConfig: i.InferenceExecutionConfig,
      ExecutionRoleArn: i.ExecutionRoleArn,
      VpcConfig: i.VpcConfig,
      CreationTime: epoch(r.createdAt),
      ModelArn: r.arn,
      EnableNetworkIsolation: i.EnableNetworkIsolation ?? false,
      DeploymentRecommendation: i.DeploymentRecommendation,
    };
  },
  DeleteModel(ctx, input) {
    const name = str(input.ModelName) ?? '';
    const r = getResource(ctx.state, 'model', name, ctx.now);
    if (!r) throw validation(`Could not find model "${sagemakerArn('model', ctx.accountId, ctx.region, name)}".`);
    removeNow(ctx, r);
    return {};
  },
  ListModels: listHandler({
    kind: 'model',
    operation: 'ListModels',
    outputKey: 'Models',
    sortDefault: 'CreationTime',
    orderDefault: 'Descending',
    sortKeys: { Name: byName, CreationTime: byCreation },
    summary: (r) => ({ ModelName: r.name, ModelArn: r.arn, CreationTime: epoch(r.createdAt) }),
  }),
  CreateEndpointConfig(ctx, input) {
    const name = requireName(input, 'EndpointConfigName');
    requireFields(input, ['ProductionVariants']);
    if (getResource(ctx.state, 'endpoint-config', name, ctx.now)) {
      throw validation(`Cannot create already existing endpoint configuration "${sagemakerArn('endpoint-config', ctx.accountId, ctx.region, name)}".`);
    }
    for (const v of arr(input.ProductionVariants)) {
      const variant = obj(v) ?? {};
      const model = str(variant.ModelName);
      if (model && !getResource(ctx.state, 'model', model, ctx.now)) throw validation(`Could not find model "${sagemakerArn('model', ctx.accountId, ctx.region, model)}".`);
      if (!variant.ServerlessConfig && (variant.InitialInstanceCount === undefined || !variant.InstanceType)) {
        throw validation(`Invalid ProductionVariant ${String(variant.VariantName)}: InstanceType and InitialInstanceCount are required unless ServerlessConfig is specified`);
      }
    }
    const r = insert(ctx, 'endpoint-config', name, input);
    return { EndpointConfigArn: r.arn };
  },
  DescribeEndpointConfig(ctx, input) {
    const r = endpointConfigOrThrow(ctx, str(input.EndpointConfigName) ?? '');
    const { EndpointConfigName: _n, ...rest } = clone(r.input);
    return { EndpointConfigName: r.name, EndpointConfigArn: r.arn, ...rest, CreationTime: epoch(r.createdAt) };
  },
  // Allowed while an endpoint uses it: the API documents no error, only that visibility may be lost.
  DeleteEndpointConfig(ctx, input) {
    removeNow(ctx, endpointConfigOrThrow(ctx, str(input.EndpointConfigName) ?? ''));
    return {};
  },
  ListEndpointConfigs: listHandler({
    kind: 'endpoint-config',
    operation: 'ListEndpointConfigs',
    outputKey: 'EndpointConfigs',
    sortDefault: 'CreationTime',
    orderDefault: 'Descending',
    sortKeys: { Name: byName, CreationTime: byCreation },
    summary: (r) => ({ EndpointConfigName: r.name, EndpointConfigArn: r.arn, CreationTime: epoch(r.createdAt) }),
  }),
  CreateEndpoint(ctx, input) {
    const name = requireName(input, 'EndpointName');
    const configName = str(input.EndpointConfigName) ?? '';
    if (getResource(ctx.state, 'endpoint', name, ctx.now)) throw validation(`Cannot create already existing endpoint "${sagemakerArn('endpoint', ctx.accountId, ctx.region, name)}".`);
    const config = endpointConfigOrThrow(ctx, configName);
    const r = insert(ctx, 'endpoint', name, input, 'Creating');
    deploy(ctx, r, config, ctx.shared.delays.endpointCreating);
    return { EndpointArn: r.arn };
  },
  UpdateEndpoint(ctx, input) {
    const r = endpointOrThrow(ctx, input);
    const config = endpointConfigOrThrow(ctx, str(input.EndpointConfigName) ?? '');
    if (r.status !== 'InService' && r.status !== 'Failed') throw validation(`Cannot update in-progress endpoint "${r.arn}".`);
    r.status = 'Updating';
    r.failureReason = undefined;
    touch(r, ctx.now);
    deploy(ctx, r, config, ctx.shared.delays.endpointUpdating);
    return { EndpointArn: r.arn };
  },
  DescribeEndpoint(ctx, input) {
    const r = endpointOrThrow(ctx, input);
    const deployed = r.extra.deployed as DeployedVariant[] | undefined;
    const pending = r.extra.pending as PendingDeployment | undefined;
    const out: Json = {
      EndpointName: r.name,
      EndpointArn: r.arn,
      // The old configuration until an update completes; the new one is in PendingDeploymentSummary meanwhile.
      EndpointConfigName: r.input.EndpointConfigName,
      ProductionVariants: deployed?.map((v) => ({
        VariantName: v.name,
        CurrentWeight: v.weight,
        DesiredWeight: v.weight,
        CurrentInstanceCount: v.instanceCount,
        DesiredInstanceCount: v.instanceCount,
        CurrentServerlessConfig: v.serverless,
        DesiredServerlessConfig: v.serverless,
      })),
      EndpointStatus: r.status,
      CreationTime: epoch(r.createdAt),
      LastModifiedTime: epoch(r.modifiedAt),
    };
    if (r.status === 'Failed' && r.failureReason) out.FailureReason = r.failureReason;
    // Only returned while the endpoint is creating or updating with a new endpoint configuration.
    if (pending && (r.status === 'Creating' || r.status === 'Updating')) {
      out.PendingDeploymentSummary = {
        EndpointConfigName: pending.config,
        StartTime: epoch(pending.startedAt),
        ProductionVariants: pending.variants.map((v) => {
          const current = deployed?.find((d) => d.name === v.name);
          return {
            VariantName: v.name,
            CurrentWeight: current?.weight,
            DesiredWeight: v.weight,
            CurrentInstanceCount: current?.instanceCount,
            DesiredInstanceCount: v.instanceCount,
            InstanceType: v.instanceType,
            CurrentServerlessConfig: current?.serverless,
            DesiredServerlessConfig: v.serverless,
            VariantStatus: [{ Status: r.status, StartTime: epoch(pending.startedAt) }],
          };
        }),
      };
    }
    return out;
  },
  DeleteEndpoint(ctx, input) {
    const r = endpointOrThrow(ctx, input);
    r.status = 'Deleting';
    r.transitions = [];
    touch(r, ctx.now);
    const tags = ctx.state.tags;
    later(ctx, r, ctx.shared.delays.endpointDeleting, (x) => {
      x.deleted = true;
      tags.delete(x.arn);
    });
    return {};
  },
  ListEndpoints: listHandler({
    kind: 'endpoint',
    operation: 'ListEndpoints',
    outputKey: 'Endpoints',
    sortDefault: 'CreationTime',
    orderDefault: 'Descending',
    sortKeys: { Name: byName, CreationTime: byCreation, Status: byStatus },
    statusOf: (r) => r.status,
    summary: (r) => ({ EndpointName: r.name, EndpointArn: r.arn, CreationTime: epoch(r.createdAt), LastModifiedTime: epoch(r.modifiedAt), EndpointStatus: r.status }),
  }),
};

/** A production variant as deployed on an endpoint (kept by the endpoint: deleting its config later loses nothing). */
interface DeployedVariant {
  name: unknown;
  weight: unknown;
  instanceCount: unknown;
  instanceType: unknown;
  serverless: unknown;
}

interface PendingDeployment {
  config: string;
  variants: DeployedVariant[];
  startedAt: number;
}

function endpointOrThrow(ctx: CallContext, input: Json): StoredResource {
  const name = str(input.EndpointName) ?? '';
  const r = getResource(ctx.state, 'endpoint', name, ctx.now);
  if (!r) throw validation(`Could not find endpoint "${sagemakerArn('endpoint', ctx.accountId, ctx.region, name)}".`);
  return r;
}

function endpointConfigOrThrow(ctx: CallContext, name: string): StoredResource {
  const r = getResource(ctx.state, 'endpoint-config', name, ctx.now);
  if (!r) throw validation(`Could not find endpoint configuration "${sagemakerArn('endpoint-config', ctx.accountId, ctx.region, name)}".`);
  return r;
}

/** Start deploying `config` on the endpoint; when done the endpoint is InService on it. */
function deploy(ctx: CallContext, r: StoredResource, config: StoredResource, delay: number): void {
  const variants = arr(config.input.ProductionVariants).map((v): DeployedVariant => {
    const variant = obj(v) ?? {};
    return { name: variant.VariantName, weight: variant.InitialVariantWeight ?? 1, instanceCount: variant.InitialInstanceCount, instanceType: variant.InstanceType, serverless: variant.ServerlessConfig };
  });
  const pending: PendingDeployment = { config: config.name, variants, startedAt: ctx.now };
  r.extra.pending = pending;
  later(ctx, r, delay, (x) => {
    x.status = 'InService';
    x.input.EndpointConfigName = pending.config;
    x.extra.deployed = pending.variants;
    delete x.extra.pending;
  });
}

/* ------------------------------------------------------------------ feature groups, inference experiments, app image configs, images */

function simpleFind(kind: SageMakerKind, field: string, notFound: (name: string, ctx: CallContext) => AwsError) {
  return (ctx: CallContext, input: Json): StoredResource => {
    const name = str(input[field]) ?? '';
    const r = getResource(ctx.state, kind, name, ctx.now);
    if (!r) throw notFound(name, ctx);
    return r;
  };
}

const findFeatureGroup = simpleFind('feature-group', 'FeatureGroupName', (n) => resourceNotFound(`Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name ${n}`));
const findExperiment = simpleFind('inference-experiment', 'Name', (n, ctx) => resourceNotFound(`InferenceExperiment arn:aws:sagemaker:${ctx.region}:${ctx.accountId}:inference-experiment/${n} does not exist.`));
const findAppImageConfig = simpleFind('app-image-config', 'AppImageConfigName', (n, ctx) => resourceNotFound(`AppImageConfig arn:aws:sagemaker:${ctx.region}:${ctx.accountId}:app-image-config/${n} does not exist.`));
const findImage = simpleFind('image', 'ImageName', (n, ctx) => resourceNotFound(`Image arn:aws:sagemaker:${ctx.region}:${ctx.accountId}:image/${n} does not exist.`));

const otherHandlers: Record<string, Handler> = {
  CreateFeatureGroup(ctx, input) {
    const name = requireName(input, 'FeatureGroupName');
    requireFields(input, ['RecordIdentifierFeatureName', 'EventTimeFeatureName', 'FeatureDefinitions']);
    if (getResource(ctx.state, 'feature-group', name, ctx.now)) throw resourceInUse(`FeatureGroup ${name} already exists`);
    const r = insert(ctx, 'feature-group', name, input, 'Created');
    return { FeatureGroupArn: r.arn };
  },
  DescribeFeatureGroup(ctx, input) {
    const r = findFeatureGroup(ctx, input);
    const i = clone(r.input);
    const offline = obj(i.OfflineStoreConfig);
    if (offline && !offline.DataCatalogConfig && !offline.DisableGlueTableCreation) {
      offline.DataCatalogConfig = { TableName: `${r.name.replace(/-/g, '_')}_${Math.floor(r.createdAt / 1000)}`, Catalog: 'AwsDataCatalog', Database: 'sagemaker_featurestore' };
    }
    return {
      FeatureGroupArn: r.arn,
      FeatureGroupName: r.name,
      RecordIdentifierFeatureName: i.RecordIdentifierFeatureName,
      EventTimeFeatureName: i.EventTimeFeatureName,
      FeatureDefinitions: i.FeatureDefinitions,
      CreationTime: epoch(r.createdAt),
      LastModifiedTime: epoch(r.modifiedAt),
      OnlineStoreConfig: i.OnlineStoreConfig,
      OfflineStoreConfig: offline,
      ThroughputConfig: i.ThroughputConfig,
      RoleArn: i.RoleArn,
      FeatureGroupStatus: r.status,
      OfflineStoreStatus: offline ? { Status: 'Active' } : undefined,
      LastUpdateStatus: r.extra.lastUpdateStatus,
      Description: i.Description,
      NextToken: '',
    };
  },
  UpdateFeatureGroup(ctx, input) {
    const r = findFeatureGroup(ctx, input);
    const additions = arr(input.FeatureAdditions);
    if (additions.length > 0) r.input.FeatureDefinitions = [...arr(r.input.FeatureDefinitions), ...clone(additions)];
    const online = obj(input.OnlineStoreConfig);
    if (online) r.input.OnlineStoreConfig = { ...(obj(r.input.OnlineStoreConfig) ?? {}), ...clone(online) };
    const throughput = obj(input.ThroughputConfig);
    if (throughput) r.input.ThroughputConfig = { ...(obj(r.input.ThroughputConfig) ?? {}), ...clone(throughput) };
    r.extra.lastUpdateStatus = { Status: 'Successful' };
    touch(r, ctx.now);
    return { FeatureGroupArn: r.arn };
  },
  DeleteFeatureGroup(ctx, input) {
    removeNow(ctx, findFeatureGroup(ctx, input));
    return {};
  },
  ListFeatureGroups: listHandler({
    kind: 'feature-group',
    operation: 'ListFeatureGroups',
    outputKey: 'FeatureGroupSummaries',
    sortDefault: 'CreationTime',
    orderDefault: 'Descending',
    sortKeys: { Name: byName, CreationTime: byCreation, FeatureGroupStatus: byStatus, OfflineStoreStatus: byStatus },
    filter: (r, input) => {
      const s = str(input.FeatureGroupStatusEquals);
      const offline = str(input.OfflineStoreStatusEquals);
      return (!s || r.status === s) && (!offline || (r.input.OfflineStoreConfig !== undefined && offline === 'Active'));
    },
    summary: (r) => ({
      FeatureGroupName: r.name,
      FeatureGroupArn: r.arn,
      CreationTime: epoch(r.createdAt),
      FeatureGroupStatus: r.status,
      OfflineStoreStatus: r.input.OfflineStoreConfig ? { Status: 'Active' } : undefined,
    }),
  }),
  CreateInferenceExperiment(ctx, input) {
    const name = requireName(input, 'Name');
    requireFields(input, ['Type', 'RoleArn', 'EndpointName', 'ModelVariants', 'ShadowModeConfig']);
    if (getResource(ctx.state, 'inference-experiment', name, ctx.now)) throw resourceInUse(`InferenceExperiment ${name} already exists`);
    const r = insert(ctx, 'inference-experiment', name, input, 'Created');
    return { InferenceExperimentArn: r.arn };
  },
  DescribeInferenceExperiment(ctx, input) {
    const r = findExperiment(ctx, input);
    const i = clone(r.input);
    const endpointName = str(i.EndpointName);
    return {
      Arn: r.arn,
      Name: r.name,
      Type: i.Type,
      Schedule: i.Schedule,
      Status: r.status,
      Description: i.Description,
      CreationTime: epoch(r.createdAt),
      LastModifiedTime: epoch(r.modifiedAt),
      RoleArn: i.RoleArn,
      EndpointMetadata: { EndpointName: endpointName, EndpointConfigName: undefined, EndpointStatus: undefined },
      ModelVariants: arr(i.ModelVariants).map((v) => ({ ...(obj(v) ?? {}), VariantStatus: 'Creating' })),
      DataStorageConfig: i.DataStorageConfig,
      ShadowModeConfig: i.ShadowModeConfig,
      KmsKey: i.KmsKey,
    };
  },
  UpdateInferenceExperiment(ctx, input) {
    const r = findExperiment(ctx, input);
    if (r.status !== 'Created' && r.status !== 'Running') {
      throw new AwsError('ConflictException', `The inference experiment ${r.name} is in status ${r.status}; it can be updated only in status Created or Running.`, 400);
    }
    applyUpdate(r, input, ['Schedule', 'Description', 'ModelVariants', 'DataStorageConfig', 'ShadowModeConfig'], ctx.now);
    return { InferenceExperimentArn: r.arn };
  },
  DeleteInferenceExperiment(ctx, input) {
    const r = findExperiment(ctx, input);
    removeNow(ctx, r);
    return { InferenceExperimentArn: r.arn };
  },
  ListInferenceExperiments: listHandler({
    kind: 'inference-experiment',
    operation: 'ListInferenceExperiments',
    outputKey: 'InferenceExperiments',
    sortDefault: 'CreationTime',
    orderDefault: 'Descending',
    sortKeys: { Name: byName, CreationTime: byCreation, Status: byStatus },
    statusOf: (r) => r.status,
    filter: (r, input) => {
      const t = str(input.Type);
      return !t || r.input.Type === t;
    },
    summary: (r) => ({
      Name: r.name,
      Type: r.input.Type,
      Schedule: r.input.Schedule,
      Status: r.status,
      Description: r.input.Description,
      CreationTime: epoch(r.createdAt),
      LastModifiedTime: epoch(r.modifiedAt),
      RoleArn: r.input.RoleArn,
    }),
  }),
  CreateAppImageConfig(ctx, input) {
    const name = requireName(input, 'AppImageConfigName');
    if (getResource(ctx.state, 'app-image-config', name, ctx.now)) throw resourceInUse(`AppImageConfig ${name} already exists`);
    const r = insert(ctx, 'app-image-config', name, input);
    return { AppImageConfigArn: r.arn };
  },
  DescribeAppImageConfig(ctx, input) {
    const r = findAppImageConfig(ctx, input);
    return appImageConfigDetails(r);
  },
  UpdateAppImageConfig(ctx, input) {
    const r = findAppImageConfig(ctx, input);
    applyUpdate(r, input, ['KernelGatewayImageConfig', 'JupyterLabAppImageConfig', 'CodeEditorAppImageConfig'], ctx.now);
    return { AppImageConfigArn: r.arn };
  },
  DeleteAppImageConfig(ctx, input) {
    removeNow(ctx, findAppImageConfig(ctx, input));
    return {};
  },
  ListAppImageConfigs: listHandler({
    kind: 'app-image-config',
    operation: 'ListAppImageConfigs',
    outputKey: 'AppImageConfigs',
    sortDefault: 'CreationTime',
    orderDefault: 'Descending',
    sortKeys: { Name: byName, CreationTime: byCreation, LastModifiedTime: byModified },
    summary: appImageConfigDetails,
  }),
  CreateImage(ctx, input) {
    const name = requireName(input, 'ImageName');
    requireFields(input, ['RoleArn']);
    if (getResource(ctx.state, 'image', name, ctx.now)) throw resourceInUse(`Image ${name} already exists`);
    const r = insert(ctx, 'image', name, input, 'CREATED');
    return { ImageArn: r.arn };
  },
  DescribeImage(ctx, input) {
    const r = findImage(ctx, input);
    return { ...imageSummary(r), RoleArn: r.input.RoleArn };
  },
  UpdateImage(ctx, input) {
    const r = findImage(ctx, input);
    for (const p of arr(input.DeleteProperties)) delete r.input[String(p)];
    applyUpdate(r, input, ['Description', 'DisplayName', 'RoleArn'], ctx.now);
    return { ImageArn: r.arn };
  },
  DeleteImage(ctx, input) {
    removeNow(ctx, findImage(ctx, input));
    return {};
  },
  ListImages: listHandler({
    kind: 'image',
    operation: 'ListImages',
    outputKey: 'Images',
    sortDefault: 'CREATION_TIME',
    orderDefault: 'DESCENDING',
    sortKeys: { IMAGE_NAME: byName, CREATION_TIME: byCreation, LAST_MODIFIED_TIME: byModified },
    summary: imageSummary,
  }),
};

function appImageConfigDetails(r: StoredResource): Json {
  const i = clone(r.input);
  return {
    AppImageConfigArn: r.arn,
    AppImageConfigName: r.name,
    CreationTime: epoch(r.createdAt),
    LastModifiedTime: epoch(r.modifiedAt),
    KernelGatewayImageConfig: i.KernelGatewayImageConfig,
    JupyterLabAppImageConfig: i.JupyterLabAppImageConfig,
    CodeEditorAppImageConfig: i.CodeEditorAppImageConfig,
  };
}

function imageSummary(r: StoredResource): Json {
  return {
    CreationTime: epoch(r.createdAt),
    Description: r.input.Description,
    DisplayName: r.input.DisplayName,
    ImageArn: r.arn,
    ImageName: r.name,
    ImageStatus: r.status,
    LastModifiedTime: epoch(r.modifiedAt),
  };
}

/* ------------------------------------------------------------------ tags */

const ARN_RE = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/;

/** Find the resource an ARN names in the caller's account/region (tags live with the resource). */
export function resourceByArn(ctx: CallContext, arn: string): StoredResource | undefined {
  const m = ARN_RE.exec(arn);
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) return undefined;
  const kind = m[3] as SageMakerKind;
  if (!ctx.state.resources.has(kind)) return undefined;
  const r = getResource(ctx.state, kind, m[4]!, ctx.now);
  return r && r.arn === arn ? r : undefined;
}

const tagHandlers: Record<string, Handler> = {
  ListTags(ctx, input) {
    const arn = str(input.ResourceArn) ?? '';
    if (!resourceByArn(ctx, arn)) throw validation(`Resource ${arn} does not exist or is not taggable`);
    const { page, nextToken } = paginate(ctx.state.tags.get(arn) ?? [], input, { operation: 'ListTags', defaultMax: 50, min: 50, max: 10_000 });
    const out: Json = { Tags: clone(page) };
    if (nextToken) out.NextToken = nextToken;
    return out;
  },
  AddTags(ctx, input) {
    const arn = str(input.ResourceArn) ?? '';
    if (!resourceByArn(ctx, arn)) throw validation(`Resource ${arn} does not exist or is not taggable`);
    const tags = arr(input.Tags).map((t) => ({ Key: String(obj(t)?.Key), Value: str(obj(t)?.Value) ?? '' }));
    for (const t of tags) if (t.Key.startsWith('aws:')) throw validation(`Tag keys starting with 'aws:' are reserved for system use`);
    mergeTags(ctx.state, arn, tags);
    return { Tags: clone(tags) };
  },
  DeleteTags(ctx, input) {
    const arn = str(input.ResourceArn) ?? '';
    if (!resourceByArn(ctx, arn)) throw validation(`Resource ${arn} does not exist or is not taggable`);
    const keys = new Set(arr(input.TagKeys).map(String));
    ctx.state.tags.set(arn, (ctx.state.tags.get(arn) ?? []).filter((t) => !keys.has(t.Key)));
    return {};
  },
};

export const sagemakerHandlers: Record<string, Handler> = {
  ...notebookHandlers,
  ...Object.assign({}, ...FAMILIES.map(([family, kind]) => jobDefinitionHandlers(family, kind))),
  ...scheduleHandlers,
  ...modelHandlers,
  ...otherHandlers,
  ...tagHandlers,
};

/* ------------------------------------------------------------------ test-side helpers */

function resourceForTest(state: RegionState, kind: SageMakerKind, name: string, now: number): StoredResource {
  const r = getResource(state, kind, name, now);
  if (!r) throw new Error(`no ${kind} ${name} in ${state.accountId}/${state.region}`);
  return r;
}

/**
 * Put a notebook in `Failed` with `reason`: at once, or (`atNextTransition`) when the transition in progress completes,
 * as a failed create, start or update does.
 */
export function failNotebook(state: RegionState, name: string, reason: string, now: number, atNextTransition = false): void {
  const r = resourceForTest(state, 'notebook-instance', name, now);
  if (!atNextTransition) {
    forceStatus(state, 'notebook-instance', name, 'Failed', now, reason);
    return;
  }
  const pending = r.transitions.at(-1);
  if (!pending) throw new Error(`notebook ${name} has no transition in progress (status ${r.status})`);
  pending.apply = (x) => {
    x.status = 'Failed';
    x.failureReason = reason;
  };
}

/** Force a status on any stored SageMaker resource (e.g. a schedule `Failed`, an endpoint stuck `Updating`). */
export function forceStatus(state: RegionState, kind: SageMakerKind, name: string, status: string, now: number, failureReason?: string): void {
  const r = resourceForTest(state, kind, name, now);
  setStatus(r, status, now);
  r.failureReason = failureReason;
}

/**
 * Change stored fields (wire names as the Create call takes them; `undefined` removes one) without an API call, as
 * someone else's change would, and advance LastModifiedTime.
 */
export function modifyResource(state: RegionState, kind: SageMakerKind, name: string, patch: Json, now: number): void {
  const r = resourceForTest(state, kind, name, now);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete r.input[k];
    else r.input[k] = clone(v);
  }
  touch(r, now);
}
