import { ListTagsCommand } from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createLimit } from '../util/limit.js';
import type { Limit } from '../util/limit.js';
import { toReadError } from './errors.js';
import { KINDS, arnFor } from './kinds/index.js';
import { sagemakerPermissions } from './permissions.js';
import type { Permission } from './permissions.js';
import { RESOURCE_KINDS } from './resources.js';
import type { EvidenceNeed, ReadError, ResourceKind, ResourceRef, ResourceSnapshot } from './resources.js';

/** The largest page every SageMaker List call here accepts: fewest calls. */
export const LIST_PAGE_SIZE = 100;

export type InventoryNeeds = Partial<Record<ResourceKind, EvidenceNeed>>;

/** Union of the evidence the given controls declare, per kind. Kinds no control needs are absent (never listed). */
export function needsFor(controls: readonly { metadata: { resourceKind: ResourceKind; evidence: EvidenceNeed } }[]): InventoryNeeds {
  const needs: InventoryNeeds = {};
  for (const { metadata } of controls) {
    const n = (needs[metadata.resourceKind] ??= { describe: false, tags: false });
    n.describe ||= metadata.evidence.describe;
    n.tags ||= metadata.evidence.tags;
  }
  return needs;
}

/** What the inventory calls for these needs: each kind's List, and its Describe and ListTags where needed. */
export function inventoryPermissions(needs: InventoryNeeds): { kind: ResourceKind; permissions: Permission[] }[] {
  return RESOURCE_KINDS.filter((kind) => needs[kind]).map((kind) => {
    const need = needs[kind]!;
    const { list, describe } = KINDS[kind];
    const operations = [list.operation, ...(need.describe ? [describe.operation] : []), ...(need.tags ? ['ListTags'] : [])];
    return { kind, permissions: sagemakerPermissions(operations, [kind]) };
  });
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

/** `--resource` matches a name or an ARN, case-insensitively (AWS lower-cases notebook ARNs). */
export function matchesResource(filter: string | undefined, name: string, arn: string): boolean {
  if (filter === undefined || filter === '') return true;
  const f = filter.toLowerCase();
  return f.startsWith('arn:') ? arn.toLowerCase() === f : name.toLowerCase() === f;
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
    const { describe } = KINDS[kind];
    const snapshot: ResourceSnapshot = { ref };
    const readErrors: ReadError[] = [];
    const work: Promise<void>[] = [];
    if (need.describe) {
      work.push(
        limit(async () => {
          count(describe.operation)();
          snapshot.detail = await describe.call(client, ref.name);
        }).catch((err: unknown) => {
          readErrors.push(toReadError(err, { accountId, region, service: 'sagemaker', operation: describe.operation, resourceArn: ref.arn }));
        }),
      );
    }
    if (need.tags) {
      work.push(
        limit(async () => {
          snapshot.tags = await readTags(client, ref.arn, count('ListTags'));
        }).catch((err: unknown) => {
          readErrors.push(toReadError(err, { accountId, region, service: 'sagemaker', operation: 'ListTags', resourceArn: ref.arn }));
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
    const { list } = KINDS[kind];
    const iterator = list.pages(client, LIST_PAGE_SIZE)[Symbol.asyncIterator]();
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
          if (!r.done) count(list.operation)();
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
      count(list.operation)();
      errors.push(toReadError(err, { accountId, region, service: 'sagemaker', operation: list.operation }));
    }
    await waitBelow(1);
    if (failure) throw failure.err;
  };

  const kinds = RESOURCE_KINDS.filter((k) => needs[k] !== undefined);
  await Promise.all(kinds.map((k) => collectKind(k, needs[k] as EvidenceNeed)));
  return { snapshots, errors, calls };
}
