import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { DescribeOutputs, ResourceKind } from '../resources.js';

/** One resource as a List call returns it. */
export interface ListedResource {
  name: string | undefined;
  /** Absent when the List summary carries no ARN (it is built from the name, see `arnFor`). */
  arn: string | undefined;
  creationTime?: Date | undefined;
  lastModifiedTime?: Date | undefined;
}

/**
 * What tells, from the List call alone, that a resource may have changed since it was last described:
 * `creation-time` for immutable kinds (a new CreationTime means deleted and recreated), `last-modified-time` where the
 * List summary has LastModifiedTime, `none` where it has neither signal.
 */
export type VersionSignal = 'creation-time' | 'last-modified-time' | 'none';

/**
 * Everything the code knows about one SageMaker resource kind, in one place: how to list and describe it, its ARN,
 * its words in messages, where its state lives, and which Describe fields change without anyone changing its
 * configuration. The inventory, the remediation operations, the drift fingerprint and the AWS stand-in read it.
 */
export interface KindDescriptor<K extends ResourceKind = ResourceKind> {
  kind: K;
  /** "notebook instance", as messages say it. */
  label: string;
  /** CloudFormation / Security Hub resource type. */
  resourceType: string;
  /** AWS lower-cases the name in this kind's ARNs. */
  lowercaseArnName: boolean;
  /**
   * The request member that names the resource in its Describe, Create, Update and Delete calls (CloudTrail shows it
   * camelCased in `requestParameters`). The calls themselves are `<verb><noun>`, the noun being the Describe call's.
   */
  nameField: string;
  list: { operation: string; pages(client: SageMakerClient, pageSize: number): AsyncIterable<ListedResource[]> };
  describe: { operation: string; call(client: SageMakerClient, name: string): Promise<DescribeOutputs[K]> };
  /** The Describe field holding the resource's lifecycle state (InService, Stopped…), for kinds that have one. */
  statusField?: string;
  versionSignal: VersionSignal;
  /** Describe fields (at any depth) that change on their own: left out of the drift fingerprint. */
  volatileKeys: readonly string[];
}

/** Kinds a plan recreates (immutable ones): the Create and Delete calls the swap makes. */
export interface RecreatableKind<K extends ResourceKind = ResourceKind> extends KindDescriptor<K> {
  create: { operation: string; call(client: SageMakerClient, input: Record<string, unknown>): Promise<unknown> };
  delete: { operation: string; call(client: SageMakerClient, name: string): Promise<unknown> };
  /** The Describe field holding the resource's ARN. */
  arnField: string;
  /** Describe fields that are outputs only (besides the ARN); every other field is a Create input of the same name. */
  outputOnly: readonly string[];
}

/** Describe output without `$metadata`: the shape controls and fingerprints read. */
export function withoutMetadata<T extends object>(out: T & { $metadata?: unknown }): T {
  const { $metadata: _metadata, ...rest } = out;
  return rest as T;
}

/** Maps each page of a paginator to ListedResources. */
export async function* listedPages<P>(pages: AsyncIterable<P>, pick: (page: P) => ListedResource[]): AsyncIterable<ListedResource[]> {
  for await (const page of pages) yield pick(page);
}
