/**
 * Resource Groups Tagging API (awsJson1.1, target prefix ResourceGroupsTaggingAPI_20170126, SigV4 service `tagging`):
 * GetResources over the SageMaker tags the stand-in keeps, so it always agrees with ListTags/AddTags/DeleteTags.
 */
import { createHash } from 'node:crypto';
import type { CallContext, Handler, Json } from './context.js';
import { arr, num, obj, str } from './context.js';
import { AwsError } from './errors.js';
import { resourceByArn } from './sagemaker.js';
import type { StoredResource, Tag } from './state.js';

const invalidParameter = (message: string): AwsError => new AwsError('InvalidParameterException', message, 400);

/** A PaginationToken lives 15 minutes (PaginationTokenExpiredException after). */
const TOKEN_LIFETIME_MS = 15 * 60_000;
/** Not documented; the API only says 1-100. */
const DEFAULT_RESOURCES_PER_PAGE = 50;
const ARN_RE = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

interface Candidate {
  resource: StoredResource;
  tags: Tag[];
}

interface PageToken {
  offset: number;
  query: string;
  issuedAt: number;
}

function queryHash(input: Json): string {
  const { PaginationToken: _token, ...query } = input;
  return createHash('sha256').update(JSON.stringify(query)).digest('hex').slice(0, 16);
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(raw: string, input: Json, now: number): number {
  let token: Partial<PageToken> | undefined;
  try {
    token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<PageToken>;
  } catch {
    token = undefined;
  }
  if (!token || typeof token.offset !== 'number' || token.query !== queryHash(input) || typeof token.issuedAt !== 'number') {
    throw invalidParameter('The specified pagination token is not valid for this request.');
  }
  if (now - token.issuedAt > TOKEN_LIFETIME_MS) throw new AwsError('PaginationTokenExpiredException', 'The pagination token has expired.', 400);
  return token.offset;
}

function validate(input: Json): void {
  const arns = input.ResourceARNList;
  if (arns !== undefined) {
    const list = arr(arns);
    const combined = ['TagFilters', 'ResourceTypeFilters'].filter((k) => arr(input[k]).length > 0);
    for (const k of ['ResourcesPerPage', 'TagsPerPage', 'PaginationToken']) if (input[k] !== undefined && input[k] !== '') combined.push(k);
    if (combined.length > 0) throw invalidParameter(`ResourceARNList cannot be specified together with ${combined.join(', ')}.`);
    if (list.length < 1 || list.length > 100) throw invalidParameter('ResourceARNList must contain between 1 and 100 ARNs.');
    for (const a of list) if (typeof a !== 'string' || !ARN_RE.test(a)) throw invalidParameter(`${String(a)} is not a valid AmazonResourceName (ARN)`);
  }
  const perPage = input.ResourcesPerPage;
  if (perPage !== undefined && (typeof perPage !== 'number' || !Number.isInteger(perPage) || perPage < 1 || perPage > 100)) {
    throw invalidParameter('ResourcesPerPage must be between 1 and 100.');
  }
  const tagsPerPage = input.TagsPerPage;
  if (tagsPerPage !== undefined && (typeof tagsPerPage !== 'number' || !Number.isInteger(tagsPerPage) || tagsPerPage < 100 || tagsPerPage > 500)) {
    throw invalidParameter('TagsPerPage must be between 100 and 500.');
  }
  const filters = arr(input.TagFilters);
  if (filters.length > 50) throw invalidParameter('TagFilters can contain at most 50 keys.');
  for (const f of filters) {
    if (!str(obj(f)?.Key)) throw invalidParameter('Each TagFilter must contain a Key.');
    if (arr(obj(f)?.Values).length > 20) throw invalidParameter('Each TagFilter can contain at most 20 values.');
  }
  if (arr(input.ResourceTypeFilters).length > 100) throw invalidParameter('ResourceTypeFilters can contain at most 100 resource types.');
  if (input.ExcludeCompliantResources === true && input.IncludeComplianceDetails !== true) {
    throw invalidParameter('ExcludeCompliantResources can be used only if IncludeComplianceDetails is true.');
  }
}

/** Filters on different keys must all match; values of one key are alternatives; a key without values matches any value. */
function matchesTags(tags: Tag[], filters: Json[]): boolean {
  return filters.every((f) => {
    const values = arr(f.Values).map(String);
    return tags.some((t) => t.Key === f.Key && (values.length === 0 || values.includes(t.Value ?? '')));
  });
}

/** `service[:type]` as in the ARN; every resource here is SageMaker's. */
function matchesType(r: StoredResource, types: string[]): boolean {
  return types.length === 0 || types.some((t) => t === 'sagemaker' || t === `sagemaker:${r.kind}`);
}

/** Resources that are or ever were tagged (a resource never tagged is never returned), by ARN. */
function candidates(ctx: CallContext): Candidate[] {
  const out: Candidate[] = [];
  for (const [arn, tags] of [...ctx.state.tags.entries()]) {
    const resource = resourceByArn(ctx, arn);
    if (resource) out.push({ resource, tags });
  }
  return out.sort((a, b) => (a.resource.arn < b.resource.arn ? -1 : a.resource.arn > b.resource.arn ? 1 : 0));
}

export const taggingHandlers: Record<string, Handler> = {
  GetResources(ctx, input) {
    validate(input);
    let items = candidates(ctx);
    const arnList = input.ResourceARNList === undefined ? undefined : new Set(arr(input.ResourceARNList).map(String));
    if (arnList) items = items.filter((c) => arnList.has(c.resource.arn));
    const types = arr(input.ResourceTypeFilters).map(String);
    const filters = arr(input.TagFilters).map((f) => obj(f) ?? {});
    items = items.filter((c) => matchesType(c.resource, types) && matchesTags(c.tags, filters));
    // No tag policy exists in the stand-in, so every resource is compliant.
    if (input.ExcludeCompliantResources === true) items = [];

    const token = str(input.PaginationToken);
    const offset = token ? decodeToken(token, input, ctx.now) : 0;
    const perPage = num(input.ResourcesPerPage) ?? DEFAULT_RESOURCES_PER_PAGE;
    const tagsPerPage = num(input.TagsPerPage);
    const page: Candidate[] = [];
    let tagCount = 0;
    for (const c of items.slice(offset)) {
      // A resource without tags counts as one; a resource's tags are never split across pages.
      const weight = Math.max(1, c.tags.length);
      if (page.length === perPage || (tagsPerPage !== undefined && tagCount + weight > tagsPerPage)) break;
      page.push(c);
      tagCount += weight;
    }
    const next = offset + page.length;
    return {
      PaginationToken: next < items.length ? encodeToken({ offset: next, query: queryHash(input), issuedAt: ctx.now }) : '',
      ResourceTagMappingList: page.map((c) => ({
        ResourceARN: c.resource.arn,
        Tags: c.tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
        ...(input.IncludeComplianceDetails === true ? { ComplianceDetails: { NoncompliantKeys: [], KeysWithNoncompliantValues: [], ComplianceStatus: true } } : {}),
      })),
    };
  },
};
