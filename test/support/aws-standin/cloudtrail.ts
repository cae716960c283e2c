/** CloudTrail-like records of the calls the stand-in answered, shaped like CloudTrail management (and SQS data) events. */
import { randomUUID } from 'node:crypto';
import type { Json, Service } from './context.js';
import type { Caller } from './iam.js';

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: Json;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Json | null;
  responseElements: Json | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  eventType: 'AwsApiCall';
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management' | 'Data';
}

export interface CloudTrailFilter {
  eventName?: string;
  eventSource?: string;
  /** recipientAccountId */
  accountId?: string;
  awsRegion?: string;
  errorCode?: string;
  /** Caller ARN (userIdentity.arn). */
  userArn?: string;
}

export interface ApiCall {
  service: Service;
  operation: string;
  accountId: string;
  region: string;
  caller: Caller;
  accessKeyId: string;
  input: Json;
  userAgent: string;
  requestId: string;
  at: number;
  result?: Json;
  error?: { code: string; message: string };
}

const READ_ONLY = /^(Describe|List|Get|BatchGet|Search)/;
// SQS message-level calls are data events, which trails log only when asked to.
const SQS_DATA = new Set(['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility']);

/** CloudTrail shows request and response fields in camelCase. */
export function camelize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelize);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k.charAt(0).toLowerCase() + k.slice(1), camelize(x)]));
}

function userIdentity(caller: Caller, accessKeyId: string): Json {
  const s = caller.session;
  if (!s) {
    return { type: 'IAMUser', principalId: `AIDA${caller.accountId}STANDIN`, arn: caller.arn, accountId: caller.accountId, accessKeyId, userName: caller.arn.split('/').pop() };
  }
  const sessionContext: Json = {
    sessionIssuer: { type: 'Role', principalId: s.roleId, arn: s.roleArn, accountId: s.accountId, userName: s.roleArn.split('/').pop() },
    webIdFederationData: {},
    attributes: { creationDate: new Date(s.issuedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'), mfaAuthenticated: 'false' },
  };
  if (s.sourceIdentity !== undefined) sessionContext.sourceIdentity = s.sourceIdentity;
  return { type: 'AssumedRole', principalId: s.userId, arn: s.arn, accountId: s.accountId, accessKeyId, sessionContext };
}

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/** SQS logs message bodies as a placeholder. */
function hideBodies(record: CloudTrailRecord): void {
  const params = record.requestParameters;
  if (params && 'messageBody' in params) params.messageBody = HIDDEN;
  for (const m of (record.responseElements?.messages as Json[] | undefined) ?? []) m.body = HIDDEN;
}

function responseElements(call: ApiCall, readOnly: boolean): Json | null {
  if (readOnly || !call.result || Object.keys(call.result).length === 0) return null;
  const out = camelize(call.result) as Json;
  // CloudTrail never logs a secret key.
  const credentials = out.credentials as Json | undefined;
  if (credentials) delete credentials.secretAccessKey;
  return out;
}

export function toRecord(call: ApiCall): CloudTrailRecord {
  const readOnly = READ_ONLY.test(call.operation);
  const dataEvent = call.service === 'sqs' && SQS_DATA.has(call.operation);
  const record: CloudTrailRecord = {
    eventVersion: '1.11',
    userIdentity: userIdentity(call.caller, call.accessKeyId),
    eventTime: new Date(call.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: `${call.service}.amazonaws.com`,
    eventName: call.operation,
    awsRegion: call.region,
    sourceIPAddress: '127.0.0.1',
    userAgent: call.userAgent,
    requestParameters: Object.keys(call.input).length > 0 ? (camelize(call.input) as Json) : null,
    responseElements: call.error ? null : responseElements(call, readOnly),
    requestID: call.requestId,
    eventID: randomUUID(),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: !dataEvent,
    recipientAccountId: call.accountId,
    eventCategory: dataEvent ? 'Data' : 'Management',
  };
  if (call.service === 'sqs') hideBodies(record);
  if (call.error) {
    record.errorCode = call.error.code;
    record.errorMessage = call.error.message;
  }
  return record;
}

export function matchesFilter(r: CloudTrailRecord, f: CloudTrailFilter): boolean {
  return (
    (!f.eventName || r.eventName === f.eventName) &&
    (!f.eventSource || r.eventSource === f.eventSource) &&
    (!f.accountId || r.recipientAccountId === f.accountId) &&
    (!f.awsRegion || r.awsRegion === f.awsRegion) &&
    (!f.errorCode || r.errorCode === f.errorCode) &&
    (!f.userArn || r.userIdentity.arn === f.userArn)
  );
}
