import {
  DescribeAppImageConfigCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeEndpointConfigCommand,
  DescribeFeatureGroupCommand,
  DescribeImageCommand,
  DescribeInferenceExperimentCommand,
  DescribeModelBiasJobDefinitionCommand,
  DescribeModelCommand,
  DescribeModelExplainabilityJobDefinitionCommand,
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeNotebookInstanceCommand,
  ListTagsCommand,
  paginateListAppImageConfigs,
  paginateListDataQualityJobDefinitions,
  paginateListEndpointConfigs,
  paginateListFeatureGroups,
  paginateListImages,
  paginateListInferenceExperiments,
  paginateListModelBiasJobDefinitions,
  paginateListModelExplainabilityJobDefinitions,
  paginateListModelQualityJobDefinitions,
  paginateListModels,
  paginateListMonitoringSchedules,
  paginateListNotebookInstances,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ControlMetadata } from '../controls/types.js';
import { createLimit } from '../util/limit.js';
import type { Limit } from '../util/limit.js';
import { partitionOf } from './accounts.js';
import { toReadError } from './errors.js';
import { RESOURCE_KINDS } from './resources.js';
import type { DescribeOutputs, ReadError, ResourceKind, ResourceRef, ResourceSnapshot } from './resources.js';

/** The largest page every SageMaker List call here accepts: fewest calls. */
export const LIST_PAGE_SIZE = 100;

/** What must be read for one kind. */
export interface EvidenceNeed {
  describe: boolean;
  tags: boolean;
}
export type InventoryNeeds = Partial<Record<ResourceKind, EvidenceNeed>>;

/** Union of the evidence the given controls declare, per kind. Kinds no control needs are absent (never listed). */
export function needsFor(controls: readonly { metadata: Pick<ControlMetadata, 'resourceKind' | 'evidence'> }[]): InventoryNeeds {
  const needs: InventoryNeeds = {};
  for (const { metadata } of controls) {
    const n = (needs[metadata.resourceKind] ??= { describe: false, tags: false });
    n.describe ||= metadata.evidence.describe;
    n.tags ||= metadata.evidence.tags;
  }
  return needs;
}

export interface InventoryTarget {
  accountId: string;
  region: string;
  sagemaker: SageMakerClient;
}

export interface InventoryOptions {
  /** Concurrent SageMaker calls for this account+region. */
  concurrency: number;
  /** Name or ARN: applied after List, before Describe. */
  resource?: string | undefined;
  /**
   * Called as soon as each resource's evidence is read. When given, snapshots are not accumulated
   * (`snapshots` is returned empty), so a caller can evaluate and drop them: memory stays flat on big fleets.
   */
  onSnapshot?: (snapshot: ResourceSnapshot) => void;
  /** Shares a limiter with other work on the same target (e.g. Security Hub reads). */
  limit?: Limit;
}

export interface InventoryResult {
  snapshots: ResourceSnapshot[];
  errors: ReadError[];
  /** SDK commands sent (before SDK retries), by operation name. */
  calls: Record<string, number>;
}

interface ListedItem {
  name: string | undefined;
  arn: string | undefined;
}

interface Collector<K extends ResourceKind> {
  listOperation: string;
  describeOperation: string;
  list(client: SageMakerClient): AsyncIterable<ListedItem[]>;
  describe(client: SageMakerClient, name: string): Promise<DescribeOutputs[K]>;
}

const page = { pageSize: LIST_PAGE_SIZE };

async function* mapPages<P>(pages: AsyncIterable<P>, pick: (p: P) => ListedItem[]): AsyncIterable<ListedItem[]> {
  for await (const p of pages) yield pick(p);
}

function strip<T extends object>(out: T & { $metadata?: unknown }): T {
  const { $metadata: _metadata, ...rest } = out;
  return rest as T;
}

const COLLECTORS: { [K in ResourceKind]: Collector<K> } = {
  'notebook-instance': {
    listOperation: 'ListNotebookInstances',
    describeOperation: 'DescribeNotebookInstance',
    list: (client) =>
      mapPages(paginateListNotebookInstances({ client, ...page }, {}), (p) =>
        (p.NotebookInstances ?? []).map((i) => ({ name: i.NotebookInstanceName, arn: i.NotebookInstanceArn })),
      ),
    describe: async (client, name) => strip(await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: name }))),
  },
  'data-quality-job-definition': {
    listOperation: 'ListDataQualityJobDefinitions',
    describeOperation: 'DescribeDataQualityJobDefinition',
    list: (client) =>
      mapPages(paginateListDataQualityJobDefinitions({ client, ...page }, {}), (p) =>
        (p.JobDefinitionSummaries ?? []).map((i) => ({ name: i.MonitoringJobDefinitionName, arn: i.MonitoringJobDefinitionArn })),
      ),
    describe: async (client, name) => strip(await client.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: name }))),
  },
  'model-quality-job-definition': {
    listOperation: 'ListModelQualityJobDefinitions',
    describeOperation: 'DescribeModelQualityJobDefinition',
    list: (client) =>
      mapPages(paginateListModelQualityJobDefinitions({ client, ...page }, {}), (p) =>
        (p.JobDefinitionSummaries ?? []).map((i) => ({ name: i.MonitoringJobDefinitionName, arn: i.MonitoringJobDefinitionArn })),
      ),
    describe: async (client, name) => strip(await client.send(new DescribeModelQualityJobDefinitionCommand({ JobDefinitionName: name }))),
  },
  'model-bias-job-definition': {
    listOperation: 'ListModelBiasJobDefinitions',
    describeOperation: 'DescribeModelBiasJobDefinition',
    list: (client) =>
      mapPages(paginateListModelBiasJobDefinitions({ client, ...page }, {}), (p) =>
        (p.JobDefinitionSummaries ?? []).map((i) => ({ name: i.MonitoringJobDefinitionName, arn: i.MonitoringJobDefinitionArn })),
      ),
    describe: async (client, name) => strip(await client.send(new DescribeModelBiasJobDefinitionCommand({ JobDefinitionName: name }))),
  },
  'model-explainability-job-definition': {
    listOperation: 'ListModelExplainabilityJobDefinitions',
    describeOperation: 'DescribeModelExplainabilityJobDefinition',
    list: (client) =>
      mapPages(paginateListModelExplainabilityJobDefinitions({ client, ...page }, {}), (p) =>
        (p.JobDefinitionSummaries ?? []).map((i) => ({ name: i.MonitoringJobDefinitionName, arn: i.MonitoringJobDefinitionArn })),
      ),
    describe: async (client, name) =>
      strip(await client.send(new DescribeModelExplainabilityJobDefinitionCommand({ JobDefinitionName: name }))),
  },
  'monitoring-schedule': {
    listOperation: 'ListMonitoringSchedules',
    describeOperation: 'DescribeMonitoringSchedule',
    list: (client) =>
      mapPages(paginateListMonitoringSchedules({ client, ...page }, {}), (p) =>
        (p.MonitoringScheduleSummaries ?? []).map((i) => ({ name: i.MonitoringScheduleName, arn: i.MonitoringScheduleArn })),
      ),
    describe: async (client, name) => strip(await client.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name }))),
  },
  model: {
    listOperation: 'ListModels',
    describeOperation: 'DescribeModel',
    list: (client) => mapPages(paginateListModels({ client, ...page }, {}), (p) => (p.Models ?? []).map((i) => ({ name: i.ModelName, arn: i.ModelArn }))),
    describe: async (client, name) => strip(await client.send(new DescribeModelCommand({ ModelName: name }))),
  },
  'endpoint-config': {
    listOperation: 'ListEndpointConfigs',
    describeOperation: 'DescribeEndpointConfig',
    list: (client) =>
      mapPages(paginateListEndpointConfigs({ client, ...page }, {}), (p) =>
        (p.EndpointConfigs ?? []).map((i) => ({ name: i.EndpointConfigName, arn: i.EndpointConfigArn })),
      ),
    describe: async (client, name) => strip(await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }))),
  },
  'feature-group': {
    listOperation: 'ListFeatureGroups',
    describeOperation: 'DescribeFeatureGroup',
    list: (client) =>
      mapPages(paginateListFeatureGroups({ client, ...page }, {}), (p) =>
        (p.FeatureGroupSummaries ?? []).map((i) => ({ name: i.FeatureGroupName, arn: i.FeatureGroupArn })),
      ),
    describe: async (client, name) => strip(await client.send(new DescribeFeatureGroupCommand({ FeatureGroupName: name }))),
  },
  'inference-experiment': {
    listOperation: 'ListInferenceExperiments',
    describeOperation: 'DescribeInferenceExperiment',
    // The summary carries no ARN; it is built from the name (see arnFor).
    list: (client) =>
      mapPages(paginateListInferenceExperiments({ client, ...page }, {}), (p) =>
        (p.InferenceExperiments ?? []).map((i) => ({ name: i.Name, arn: undefined })),
      ),
    describe: async (client, name) => strip(await client.send(new DescribeInferenceExperimentCommand({ Name: name }))),
  },
  'app-image-config': {
    listOperation: 'ListAppImageConfigs',
    describeOperation: 'DescribeAppImageConfig',
    list: (client) =>
      mapPages(paginateListAppImageConfigs({ client, ...page }, {}), (p) =>
        (p.AppImageConfigs ?? []).map((i) => ({ name: i.AppImageConfigName, arn: i.AppImageConfigArn })),
      ),
    describe: async (client, name) => strip(await client.send(new DescribeAppImageConfigCommand({ AppImageConfigName: name }))),
  },
  image: {
    listOperation: 'ListImages',
    describeOperation: 'DescribeImage',
    list: (client) => mapPages(paginateListImages({ client, ...page }, {}), (p) => (p.Images ?? []).map((i) => ({ name: i.ImageName, arn: i.ImageArn }))),
    describe: async (client, name) => strip(await client.send(new DescribeImageCommand({ ImageName: name }))),
  },
};

/** The List and Describe operation names of a kind (for call accounting in tests and the benchmark). */
export function operationsOf(kind: ResourceKind): { list: string; describe: string } {
  return { list: COLLECTORS[kind].listOperation, describe: COLLECTORS[kind].describeOperation };
}

/**
 * The ARN SageMaker gives a resource (used only when a List summary carries none). Kinds are named after the
 * resource-type part of SageMaker ARNs, so the kind is that part.
 */
export function arnFor(kind: ResourceKind, name: string, accountId: string, region: string): string {
  const lower = kind === 'notebook-instance' || kind === 'inference-experiment' ? name.toLowerCase() : name;
  return `arn:${partitionOf(region)}:sagemaker:${region}:${accountId}:${kind}/${lower}`;
}

/** The resource name in an ARN (the part after the first `/`). */
export function nameFromArn(arn: string): string {
  const slash = arn.indexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** `--resource` matches a name or an ARN, case-insensitively (AWS lower-cases notebook ARNs). */
export function matchesResource(filter: string | undefined, name: string, arn: string): boolean {
  if (filter === undefined || filter === '') return true;
  const f = filter.toLowerCase();
  return f.startsWith('arn:') ? arn.toLowerCase() === f : name.toLowerCase() === f;
}

/** Describe output of one resource, without `$metadata` (the shape controls and fingerprints read). */
export function describeResource<K extends ResourceKind>(client: SageMakerClient, kind: K, name: string): Promise<DescribeOutputs[K]> {
  return (COLLECTORS[kind] as Collector<K>).describe(client, name);
}

/** Tags of one resource as key → value, from a paginated ListTags; `count` is called once per call. */
export async function readTags(client: SageMakerClient, arn: string, count: () => void = () => undefined): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    count();
    const out = await client.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 100, NextToken: nextToken }));
    for (const t of out.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
    nextToken = out.NextToken;
  } while (nextToken);
  return tags;
}

/**
 * Reads the resources of the needed kinds in one account+region: List (paginated, 100 per page), then at most one
 * Describe and one ListTags per resource, only when needed, with at most `concurrency` calls in flight.
 * A failed Describe/ListTags leaves the snapshot without that evidence and with a readError (never dropped);
 * a failed List is a ReadError for the account/region/operation.
 */
export async function collectInventory(target: InventoryTarget, needs: InventoryNeeds, options: InventoryOptions): Promise<InventoryResult> {
  const { accountId, region, sagemaker: client } = target;
  const limit = options.limit ?? createLimit(options.concurrency);
  const snapshots: ResourceSnapshot[] = [];
  const errors: ReadError[] = [];
  const calls: Record<string, number> = {};
  const count = (op: string) => () => {
    calls[op] = (calls[op] ?? 0) + 1;
  };
  const emit = options.onSnapshot ?? ((s: ResourceSnapshot) => void snapshots.push(s));

  const readOne = async (kind: ResourceKind, need: EvidenceNeed, ref: ResourceRef): Promise<void> => {
    const collector = COLLECTORS[kind] as Collector<ResourceKind>;
    const snapshot: ResourceSnapshot = { ref };
    const readErrors: ReadError[] = [];
    const work: Promise<void>[] = [];
    if (need.describe) {
      work.push(
        limit(async () => {
          count(collector.describeOperation)();
          snapshot.detail = await collector.describe(client, ref.name);
        }).catch((err: unknown) => {
          readErrors.push(toReadError(err, { accountId, region, operation: collector.describeOperation, resourceArn: ref.arn }));
        }),
      );
    }
    if (need.tags) {
      work.push(
        limit(async () => {
          snapshot.tags = await readTags(client, ref.arn, count('ListTags'));
        }).catch((err: unknown) => {
          readErrors.push(toReadError(err, { accountId, region, operation: 'ListTags', resourceArn: ref.arn }));
        }),
      );
    }
    await Promise.all(work);
    if (readErrors.length > 0) {
      snapshot.readErrors = readErrors;
      errors.push(...readErrors);
    }
    emit(snapshot);
  };

  // Reads started ahead of the limiter, per kind. A listed item waits as a plain ref until one of these is free,
  // instead of every item of every page holding a suspended read, its promises and closures at once: on a big
  // account that queue was most of the audit's live heap, and V8 sizes the heap from the live set.
  const window = Math.max(1, options.concurrency);

  const collectKind = async (kind: ResourceKind, need: EvidenceNeed): Promise<void> => {
    const collector = COLLECTORS[kind] as Collector<ResourceKind>;
    const iterator = collector.list(client)[Symbol.asyncIterator]();
    let active = 0;
    let wake: (() => void) | undefined;
    let failure: { err: unknown } | undefined;
    const waitBelow = async (n: number): Promise<void> => {
      while (active >= n) await new Promise<void>((resolve) => (wake = resolve));
    };
    const start = (ref: ResourceRef): void => {
      active++;
      readOne(kind, need, ref).then(
        () => undefined,
        (err: unknown) => void (failure ??= { err }),
      ).finally(() => {
        active--;
        const w = wake;
        wake = undefined;
        w?.();
      });
    };
    try {
      for (;;) {
        // Each page is one List call: it takes a slot like any other call.
        const next = await limit(async () => {
          const r = await iterator.next();
          if (!r.done) count(collector.listOperation)();
          return r;
        });
        if (next.done) break;
        for (const item of next.value) {
          if (!item.name) continue;
          const arn = item.arn ?? arnFor(kind, item.name, accountId, region);
          if (!matchesResource(options.resource, item.name, arn)) continue;
          await waitBelow(window);
          start({ kind, name: item.name, arn, accountId, region });
        }
      }
    } catch (err) {
      // The failed page is counted too: a request was sent.
      count(collector.listOperation)();
      errors.push(toReadError(err, { accountId, region, operation: collector.listOperation }));
    }
    await waitBelow(1);
    if (failure) throw failure.err;
  };

  const kinds = RESOURCE_KINDS.filter((k) => needs[k] !== undefined);
  await Promise.all(kinds.map((k) => collectKind(k, needs[k] as EvidenceNeed)));
  return { snapshots, errors, calls };
}
