import * as sagemaker from '@aws-sdk/client-sagemaker';
import { KINDS, arnFor } from './kinds/index.js';
import type { KindDescriptor } from './kinds/index.js';
import { RESOURCE_KINDS, type ResourceKind, type ResourceRef } from './resources.js';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, RESOURCE_NAME_PATTERN } from '../validation.js';

/**
 * What an event from the central bus says about SageMaker, in the product's terms. The bus delivers two kinds of
 * EventBridge events as SQS message bodies: "AWS API Call via CloudTrail" for SageMaker writes in member accounts,
 * and "Security Hub Findings - Imported" for the SageMaker controls. Each names one resource to audit again.
 */
export type ResourceEvent =
  | {
      type: 'resource';
      source: 'cloudtrail' | 'securityhub';
      ref: ResourceRef;
      /** A delete: open proposals for the resource close; the digest counts its failures as fixed. */
      deleted: boolean;
      /** The API call (CloudTrail) or the control (Security Hub) that produced it, for the log. */
      cause: string;
      /** When it happened (the event's `time`), ISO. */
      at: string;
    }
  /** A well-formed event that names nothing to audit (a failed call, a kind the audit does not cover…). */
  | { type: 'ignored'; reason: string }
  /** Not an event this app understands: logged and dropped, never retried. */
  | { type: 'unknown'; reason: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** CloudTrail camelCases request members by lower-casing their first letter. */
const camel = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

const WRITE_VERBS = ['Create', 'Update', 'Delete', 'Start', 'Stop'] as const;
const nounOf = (d: KindDescriptor): string => d.describe.operation.slice('Describe'.length);

/** eventName (e.g. `UpdateNotebookInstance`) → the kind it writes and whether it deletes: every write the SDK has for the kind. */
const WRITES = new Map<string, { kind: ResourceKind; deleted: boolean }>(
  Object.values(KINDS).flatMap((d) =>
    WRITE_VERBS.filter((verb) => Object.hasOwn(sagemaker, `${verb}${nounOf(d)}Command`)).map((verb) => [`${verb}${nounOf(d)}`, { kind: d.kind, deleted: verb === 'Delete' }] as const),
  ),
);

/** ARN resource-type part → kind (kinds are named after it). */
const KIND_BY_ARN_TYPE = new Set<string>(RESOURCE_KINDS);

function refFromArn(arn: string): ResourceRef | undefined {
  const m = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/.exec(arn);
  if (!m || !KIND_BY_ARN_TYPE.has(m[3]!)) return undefined;
  return { kind: m[3] as ResourceKind, name: m[4]!, arn, region: m[1]!, accountId: m[2]! };
}

function validRef(ref: ResourceRef): boolean {
  return ACCOUNT_ID_PATTERN.test(ref.accountId) && REGION_PATTERN.test(ref.region) && RESOURCE_NAME_PATTERN.test(ref.name);
}

function fromCloudTrail(event: Json, detail: Json): ResourceEvent {
  const name = str(detail.eventName);
  const accountId = str(detail.recipientAccountId) ?? str(event.account);
  const region = str(detail.awsRegion) ?? str(event.region);
  if (!name || !accountId || !region) return { type: 'unknown', reason: 'CloudTrail event without eventName, account or region' };
  if (detail.errorCode !== undefined) return { type: 'ignored', reason: `${name} failed (${String(detail.errorCode)})` };
  const params = isObject(detail.requestParameters) ? detail.requestParameters : {};
  const at = str(event.time) ?? str(detail.eventTime) ?? new Date().toISOString();

  let ref: ResourceRef | undefined;
  let deleted = false;
  const write = WRITES.get(name);
  if (write) {
    const resourceName = str(params[camel(KINDS[write.kind].nameField)]);
    if (!resourceName) return { type: 'unknown', reason: `${name} without ${camel(KINDS[write.kind].nameField)}` };
    ref = { kind: write.kind, name: resourceName, accountId, region, arn: arnFor(write.kind, resourceName, accountId, region) };
    deleted = write.deleted;
  } else if (name === 'AddTags' || name === 'DeleteTags') {
    const arn = str(params.resourceArn);
    ref = arn ? refFromArn(arn) : undefined;
    if (!ref) return { type: 'ignored', reason: `${name} on ${arn ?? 'no resource'}, which the audit does not cover` };
  } else if (name === 'CreateEndpoint' || name === 'UpdateEndpoint') {
    // The endpoint now serves this configuration: audit the configuration (SageMaker.4 reads it).
    const config = str(params.endpointConfigName);
    if (!config) return { type: 'unknown', reason: `${name} without endpointConfigName` };
    ref = { kind: 'endpoint-config', name: config, accountId, region, arn: arnFor('endpoint-config', config, accountId, region) };
  } else {
    return { type: 'ignored', reason: `${name} changes nothing the audit covers` };
  }
  if (!validRef(ref)) return { type: 'unknown', reason: `${name} names an invalid account, region or resource name` };
  return { type: 'resource', source: 'cloudtrail', ref, deleted, cause: name, at };
}

function fromSecurityHub(event: Json, detail: Json): ResourceEvent {
  const findings = Array.isArray(detail.findings) ? detail.findings : [];
  const finding = findings[0];
  if (findings.length !== 1 || !isObject(finding)) return { type: 'unknown', reason: 'Security Hub event without exactly one finding' };
  const compliance = isObject(finding.Compliance) ? finding.Compliance : {};
  const controlId = str(compliance.SecurityControlId);
  if (!controlId?.startsWith('SageMaker.')) return { type: 'ignored', reason: `finding for ${controlId ?? 'no control'}` };
  const resource = Array.isArray(finding.Resources) && isObject(finding.Resources[0]) ? finding.Resources[0] : undefined;
  const arn = str(resource?.Id);
  const ref = arn ? refFromArn(arn) : undefined;
  if (!ref) return { type: 'ignored', reason: `finding for ${arn ?? 'no resource'}, which the audit does not cover` };
  if (!validRef(ref)) return { type: 'unknown', reason: 'finding names an invalid account, region or resource name' };
  const at = str(event.time) ?? str(finding.UpdatedAt) ?? new Date().toISOString();
  return { type: 'resource', source: 'securityhub', ref, deleted: false, cause: controlId, at };
}

/** Reads one EventBridge event (an SQS message body, already JSON-parsed). Never throws. */
export function parseResourceEvent(body: unknown): ResourceEvent {
  if (!isObject(body)) return { type: 'unknown', reason: 'not a JSON object' };
  const source = str(body.source);
  const detailType = str(body['detail-type']);
  const detail = body.detail;
  if (!isObject(detail)) return { type: 'unknown', reason: 'no detail' };
  if (source === 'aws.sagemaker' && detailType === 'AWS API Call via CloudTrail') return fromCloudTrail(body, detail);
  if (source === 'aws.securityhub' && detailType === 'Security Hub Findings - Imported') return fromSecurityHub(body, detail);
  return { type: 'unknown', reason: `${source ?? 'no source'} / ${detailType ?? 'no detail-type'}` };
}

/** The CloudTrail event names the member accounts forward: every write of every audited kind, tags, and endpoints. */
export function forwardedEventNames(): string[] {
  return [...WRITES.keys(), 'AddTags', 'DeleteTags', 'CreateEndpoint', 'UpdateEndpoint', 'DeleteEndpoint'].sort();
}
