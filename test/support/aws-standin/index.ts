/**
 * AWS stand-in: an in-process HTTP server that the real AWS SDK v3 clients talk to (via `endpoint` or
 * AWS_ENDPOINT_URL[_<SERVICE>]). It speaks awsJson1_1 (SageMaker, Organizations, Resource Groups Tagging),
 * awsJson1_0 (SQS), restJson1 (Security Hub, Account Management) and awsQuery (STS), keeps per-account/region state
 * in memory, injects faults deterministically, optionally enforces IAM policies, records CloudTrail-like events and
 * routes them (EventBridge-style) to queues.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { accountHandlers } from './account.js';
import type { CallContext, Handler, Json, Organization, Service, Shared, StsSession, TransitionDelays } from './context.js';
import { pushBounded } from './context.js';
import { matchesFilter, toRecord } from './cloudtrail.js';
import type { CloudTrailFilter, CloudTrailRecord } from './cloudtrail.js';
import { AwsError, toAwsError } from './errors.js';
import type { InjectedError } from './errors.js';
import { EventBus } from './events.js';
import type { EventRoute } from './events.js';
import { Iam } from './iam.js';
import type { Caller, RoleDefinition } from './iam.js';
import { organizationsHandlers } from './organizations.js';
import { mulberry32 } from './prng.js';
import { SlidingSecondLimiter, peakPerSecond } from './rate.js';
import type { AccountRateLimit, PeakRate } from './rate.js';
import { isOptInRegion } from './regions.js';
import type { RegionOptStatus } from './regions.js';
import { failNotebook, forceStatus, modifyResource, sagemakerArn, sagemakerHandlers } from './sagemaker.js';
import { makeControlFinding, securityHubHandlers, setAdministrator } from './securityhub.js';
import type { ControlFindingInput } from './securityhub.js';
import { SqsBackend, SqsError, sqsErrorResponse, sqsHandlers, sqsTestApi } from './sqs.js';
import type { SqsTestApi } from './sqs.js';
import { StandinState } from './state.js';
import type { Finding, RegionState, SageMakerKind } from './state.js';
import { parseQuery, stsErrorXml, stsHandlers, stsResponseXml } from './sts.js';
import { taggingHandlers } from './tagging.js';

export { AwsError } from './errors.js';
export type { InjectedError } from './errors.js';
export { makeControlFinding } from './securityhub.js';
export type { ControlFindingInput } from './securityhub.js';
export { sagemakerArn } from './sagemaker.js';
export type { Finding, RegionState, SageMakerKind, StandinState, StoredResource, Tag } from './state.js';
export type { Json, Organization, Service, TransitionDelays } from './context.js';
export type { CloudTrailFilter, CloudTrailRecord } from './cloudtrail.js';
export type { RoleDefinition } from './iam.js';
export type { PolicyDocument, PolicyStatement } from './policy-eval.js';
export type { EventPattern, EventRoute } from './events.js';
export type { SqsMessageView, SqsTestApi } from './sqs.js';
export type { AccountRateLimit, PeakRate } from './rate.js';
export type { RegionOptStatus } from './regions.js';

export interface CallInfo {
  service: Service;
  operation: string;
  accountId: string;
  region: string;
}

export interface CallRecord extends CallInfo {
  at: number;
  /** HTTP status answered. */
  status: number;
  /** Error code answered, if any. */
  errorCode?: string;
  throttled: boolean;
  input: Json;
}

export interface AwsStandinOptions {
  /** Account of any access key id not otherwise known (default '111111111111'). */
  defaultAccountId?: string;
  /** Access key id -> account id, for long-term keys of other accounts. */
  accessKeys?: Record<string, string>;
  /** Delay of every asynchronous state transition (ms, default 50). */
  transitionDelayMs?: number;
  /** Per-transition overrides. */
  delays?: Partial<TransitionDelays>;
  /** Added latency per call (ms), fixed or computed per call. */
  latencyMs?: number | ((call: CallInfo) => number);
  /** Fraction of calls answered with the service's throttling error. A number applies to SageMaker only. */
  throttleRate?: number | Partial<Record<Service, number>>;
  /** SageMaker calls beyond this budget per account+Region in a sliding second answer ThrottlingException. */
  accountRateLimit?: AccountRateLimit;
  /** Seed of the PRNG that picks throttled calls (default 1). */
  seed?: number;
  /** Whether Security Hub is enabled in account/regions not configured otherwise (default true). */
  securityHubEnabled?: boolean;
  /** Organization for Organizations.ListAccounts. Without one, ListAccounts answers AWSOrganizationsNotInUseException. */
  organization?: Organization;
  /** Role ARNs for which AssumeRole answers AccessDenied. */
  unassumableRoles?: string[];
  /** Evaluate identity policies (setRole / setIdentityPolicy) on every call of a principal that has one (default false). */
  enforceIam?: boolean;
  /** Clock (ms). Transitions are computed from it on read. */
  now?: () => number;
  /** Port to listen on (default 0 = random). */
  port?: number;
}

export interface FailNextOptions {
  /** How many matching calls fail (default 1). */
  count?: number;
  /** Only calls whose input (wire JSON) matches fail. */
  match?: (input: Json, call: CallInfo) => boolean;
  /**
   * The call takes effect, then its answer is the error: a response lost after the service acted (the SDK retries a
   * 5xx, and the retry meets what the first attempt did).
   */
  afterEffect?: boolean;
}

export interface AwsStandin {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly defaultAccountId: string;
  readonly state: StandinState;
  /** Shorthand for `state.get(accountId, region)`. */
  region(accountId: string, region: string): RegionState;
  /** Mutable at runtime. */
  latencyMs: number | ((call: CallInfo) => number);
  throttleRate: number | Partial<Record<Service, number>>;
  /** Mutable at runtime; undefined = no budget. */
  accountRateLimit: AccountRateLimit | undefined;
  readonly delays: TransitionDelays;
  /** Set every transition delay at once. */
  setTransitionDelay(ms: number): void;
  /** Every call received since the last reset. */
  readonly calls: readonly CallRecord[];
  /** Calls, optionally of one operation and/or matching a filter. */
  callCount(operation?: string, filter?: Partial<CallInfo>): number;
  throttledCount(): number;
  /** The account+Region with the most recorded calls (matching `filter`) in any one-second window. */
  peakCallsPerSecond(filter?: Partial<CallInfo> & { throttled?: boolean }): PeakRate | undefined;
  /** "<account>/<region>" -> call count. */
  callsByAccountRegion(): Record<string, number>;
  resetCounters(): void;
  /** Fail the next `count` calls of `operation` (optionally only when `match` accepts the input). */
  failNext(operation: string, error: InjectedError, options?: FailNextOptions): void;
  clearFaults(): void;
  /** Run an operation in-process (wire-format input, no counting, no faults). Throws AwsError. */
  invoke(operation: string, input?: Json, at?: { accountId?: string; region?: string; service?: SyncService }): Json;
  /** Store findings in the hub of each finding's AwsAccountId/Region (each emits a "Security Hub Findings - Imported" event). */
  addFindings(findings: Finding[]): void;
  /** BatchImportFindings semantics: replace findings with the same Id and ProductArn, add the others; each emits an event. */
  importFindings(findings: Finding[]): void;
  /** Build (makeControlFinding) and store one finding. */
  addControlFinding(input: ControlFindingInput): Finding;
  /** Notebook `Failed` with FailureReason `reason`: now, or when its transition in progress completes. */
  failNotebook(accountId: string, region: string, name: string, reason?: string, options?: { atNextTransition?: boolean }): void;
  forceStatus(accountId: string, region: string, kind: SageMakerKind, name: string, status: string, failureReason?: string): void;
  /**
   * Resource count quota for one kind in one account/Region (undefined removes it): Create* beyond it answers
   * ResourceLimitExceeded. Not for app-image-config, whose Create documents no such error.
   */
  setQuota(accountId: string, region: string, kind: SageMakerKind, limit: number | undefined): void;
  /**
   * Change stored fields of one resource behind any cache's back (wire names as its Create call takes them; `undefined`
   * removes a field). LastModifiedTime advances; kinds without one change without any visible timestamp.
   */
  modify(accountId: string, region: string, kind: SageMakerKind, name: string, patch: Json): void;
  arn(kind: SageMakerKind, accountId: string, region: string, name: string): string;
  setOrganization(org: Organization | undefined): void;
  /**
   * Make `administratorId` the Security Hub administrator of exactly `memberIds` (in `regions`, default every Region):
   * GetFindings in the administrator then also returns its members' findings, a member sees only its own, and
   * GetAdministratorAccount names the administrator. An empty list ends its memberships.
   */
  setSecurityHubAdministrator(administratorId: string, memberIds: string[], regions?: string[]): void;
  /**
   * An account's opt-in status of a Region (account:ListRegions; regional calls succeed only when ENABLED or
   * ENABLED_BY_DEFAULT). Default Regions stay ENABLED_BY_DEFAULT and opt-in Regions cannot be, as in AWS.
   */
  setRegionOptStatus(accountId: string, region: string, status: RegionOptStatus): void;
  denyAssumeRole(roleArn: string): void;
  /** Register a role: its trust policy (checked by AssumeRole), identity policy (enforcing mode) and max session duration. */
  setRole(roleArn: string, role: RoleDefinition): void;
  /** Identity policy of a role or user ARN (undefined removes it). */
  setIdentityPolicy(principalArn: string, policy: RoleDefinition['policy']): void;
  /** Enforcing mode, switchable at runtime. */
  enforceIam: boolean;
  /** CloudTrail-like records of every answered call, oldest first (the latest 10,000). */
  cloudTrail(filter?: CloudTrailFilter): CloudTrailRecord[];
  readonly sqs: SqsTestApi;
  /** EventBridge: routes (pattern -> queue), injected events, and the log of every event put on the bus. */
  readonly events: { route(route: EventRoute): () => void; put(event: Json): number; readonly log: readonly Json[] };
  /** Register a long-term access key for `accountId` and return static credentials for it. */
  credentialsFor(accountId: string): { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/** Services whose handlers answer synchronously (and can be invoked in-process). */
type SyncService = Exclude<Service, 'sqs'>;

const HANDLERS: Record<SyncService, Record<string, Handler>> = {
  sagemaker: sagemakerHandlers,
  securityhub: securityHubHandlers,
  sts: stsHandlers,
  organizations: organizationsHandlers,
  tagging: taggingHandlers,
  account: accountHandlers,
};

const SYNC_SERVICES = Object.keys(HANDLERS) as SyncService[];
const SERVICES: Service[] = [...SYNC_SERVICES, 'sqs'];
/** IAM action prefix, where it differs from the signing name. */
const IAM_PREFIX: Partial<Record<Service, string>> = { tagging: 'tag' };
/** Not bound to the Region the call is signed for, so a Region the account has not enabled does not matter. */
const GLOBAL_SERVICES = new Set<Service>(['organizations', 'account']);
/** awsJson services whose error bodies spell the message member `Message`. */
const CAPITALIZED_MESSAGE = new Set<Service | undefined>(['organizations', 'tagging']);

const SECURITY_HUB_ROUTES: Array<[string, RegExp, string]> = [
  ['POST', /^\/findings\/?$/, 'GetFindings'],
  ['PATCH', /^\/findings\/batchupdate\/?$/, 'BatchUpdateFindings'],
  ['GET', /^\/accounts\/?$/, 'DescribeHub'],
  ['POST', /^\/accounts\/?$/, 'EnableSecurityHub'],
  ['DELETE', /^\/accounts\/?$/, 'DisableSecurityHub'],
  ['GET', /^\/administrator\/?$/, 'GetAdministratorAccount'],
];

/** restJson1 routes (method, path, operation) by service. */
const REST_ROUTES: Partial<Record<Service, Array<[string, RegExp, string]>>> = {
  securityhub: SECURITY_HUB_ROUTES,
  account: [['POST', /^\/listRegions\/?$/, 'ListRegions']],
};

const SCOPE_RE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

function makeDelays(base: number, overrides: Partial<TransitionDelays> = {}): TransitionDelays {
  return {
    notebookPending: base,
    notebookStopping: base,
    notebookUpdating: base,
    notebookDeleting: base,
    endpointCreating: base,
    endpointUpdating: base,
    endpointDeleting: base,
    schedulePending: base,
    ...overrides,
  };
}

/**
 * A call in a Region the account has not enabled. SageMaker answers it with HTTP 400; Security Hub's status is not
 * confirmed, 403 is kept for it.
 */
function regionNotEnabled(service: Service): AwsError {
  return new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid', service === 'securityhub' ? 403 : 400);
}

function throttleError(service: Service): AwsError {
  switch (service) {
    case 'securityhub':
      return new AwsError('TooManyRequestsException', 'Rate exceeded', 429);
    case 'sts':
      return new AwsError('Throttling', 'Rate exceeded', 400);
    case 'sqs':
      return new SqsError('RequestThrottled', 'RequestThrottled', 'Rate exceeded', 403);
    case 'organizations':
      return new AwsError('TooManyRequestsException', 'AWS Organizations can\'t complete your request because another request is already in progress. Try again later.', 400);
    case 'tagging':
      return new AwsError('ThrottledException', 'Rate exceeded', 400);
    case 'account':
      return new AwsError('TooManyRequestsException', 'Rate exceeded', 429);
    default:
      return new AwsError('ThrottlingException', 'Rate exceeded', 400);
  }
}

export async function startAwsStandin(options: AwsStandinOptions = {}): Promise<AwsStandin> {
  const now = options.now ?? (() => Date.now());
  const defaultAccountId = options.defaultAccountId ?? '111111111111';
  const accessKeys = new Map(Object.entries(options.accessKeys ?? {}));
  const state = new StandinState(options.securityHubEnabled ?? true, now);
  let sessionSeq = 0;
  const sqs = new SqsBackend(now);
  const deliver = (queueUrl: string, body: string): void => {
    try {
      sqs.send(sqs.byUrl(queueUrl), body);
    } catch (e) {
      // A target queue that does not exist (any more): EventBridge drops the event.
      if (!(e instanceof SqsError)) throw e;
    }
  };
  const shared: Shared = {
    state,
    delays: makeDelays(options.transitionDelayMs ?? 50, options.delays),
    sessions: new Map<string, StsSession>(),
    unassumableRoles: new Set(options.unassumableRoles ?? []),
    iam: new Iam(options.enforceIam ?? false),
    sqs,
    events: new EventBus(deliver, now),
    organization: options.organization,
    securityHubMembers: new Map(),
    nextSessionSeq: () => ++sessionSeq,
  };
  const random = mulberry32(options.seed ?? 1);
  const limiter = new SlidingSecondLimiter();
  let calls: CallRecord[] = [];
  const trail: CloudTrailRecord[] = [];
  let faults: Array<{ operation: string; error: InjectedError; remaining: number; match?: FailNextOptions['match']; afterEffect?: boolean }> = [];

  const accountOf = (akid: string): string => {
    const mapped = accessKeys.get(akid) ?? shared.sessions.get(akid)?.accountId;
    if (mapped) return mapped;
    const m = /^ASIA(\d{12})/.exec(akid);
    return m ? m[1]! : defaultAccountId;
  };
  const callerOf = (akid: string, accountId: string): Caller => {
    const session = shared.sessions.get(akid);
    return { arn: session?.arn ?? `arn:aws:iam::${accountId}:user/standin`, accountId, session };
  };

  const standin: AwsStandin = {
    url: '',
    port: 0,
    defaultAccountId,
    state,
    region: (accountId, region) => state.get(accountId, region),
    latencyMs: options.latencyMs ?? 0,
    throttleRate: options.throttleRate ?? 0,
    accountRateLimit: options.accountRateLimit,
    delays: shared.delays,
    setTransitionDelay(ms) {
      Object.assign(shared.delays, makeDelays(ms));
    },
    get calls() {
      return calls;
    },
    callCount(operation, filter = {}) {
      return calls.filter((c) => (!operation || c.operation === operation) && matches(c, filter)).length;
    },
    throttledCount: () => calls.filter((c) => c.throttled).length,
    peakCallsPerSecond(filter = {}) {
      return peakPerSecond(calls.filter((c) => matches(c, filter)));
    },
    callsByAccountRegion() {
      const out: Record<string, number> = {};
      for (const c of calls) out[`${c.accountId}/${c.region}`] = (out[`${c.accountId}/${c.region}`] ?? 0) + 1;
      return out;
    },
    resetCounters() {
      calls = [];
    },
    failNext(operation, error, opts = {}) {
      faults.push({ operation, error, remaining: opts.count ?? 1, match: opts.match, afterEffect: opts.afterEffect });
    },
    clearFaults() {
      faults = [];
    },
    invoke(operation, input = {}, at = {}) {
      const service = at.service ?? serviceOfOperation(operation);
      const handler = HANDLERS[service][operation];
      if (!handler) throw new Error(`stand-in: unknown ${service} operation ${operation}`);
      const accountId = at.accountId ?? defaultAccountId;
      const region = at.region ?? 'us-east-1';
      const ctx: CallContext = {
        service,
        operation,
        accountId,
        region,
        accessKeyId: 'AKIASTANDININVOKE',
        callerArn: `arn:aws:iam::${accountId}:user/standin`,
        state: state.get(accountId, region),
        now: now(),
        shared,
        query: new URLSearchParams(),
      };
      return handler(ctx, JSON.parse(JSON.stringify(input)) as Json);
    },
    addFindings(findings) {
      for (const f of findings) {
        state.get(f.AwsAccountId, f.Region).securityHub.findings.push(f);
        shared.events.findingImported(f);
      }
    },
    importFindings(findings) {
      for (const f of findings) {
        const stored = state.get(f.AwsAccountId, f.Region).securityHub.findings;
        const i = stored.findIndex((x) => x.Id === f.Id && x.ProductArn === f.ProductArn);
        if (i >= 0) stored[i] = f;
        else stored.push(f);
        shared.events.findingImported(f);
      }
    },
    addControlFinding(input) {
      const f = makeControlFinding({ updatedAt: new Date(now()).toISOString(), ...input });
      standin.addFindings([f]);
      return f;
    },
    failNotebook(accountId, region, name, reason = 'Injected failure', opts = {}) {
      failNotebook(state.get(accountId, region), name, reason, now(), opts.atNextTransition);
    },
    forceStatus(accountId, region, kind, name, status, failureReason) {
      forceStatus(state.get(accountId, region), kind, name, status, now(), failureReason);
    },
    setQuota(accountId, region, kind, limit) {
      if (kind === 'app-image-config') throw new Error('stand-in: CreateAppImageConfig documents no ResourceLimitExceeded');
      const quotas = state.get(accountId, region).quotas;
      if (limit === undefined) quotas.delete(kind);
      else quotas.set(kind, limit);
    },
    modify(accountId, region, kind, name, patch) {
      modifyResource(state.get(accountId, region), kind, name, patch, now());
    },
    arn: sagemakerArn,
    setOrganization(org) {
      shared.organization = org;
    },
    setSecurityHubAdministrator(administratorId, memberIds, regions) {
      setAdministrator(shared, administratorId, memberIds, regions, now());
    },
    setRegionOptStatus(accountId, region, status) {
      if (isOptInRegion(region) === (status === 'ENABLED_BY_DEFAULT')) {
        throw new Error(`stand-in: ${region} is ${isOptInRegion(region) ? 'an opt-in' : 'a default'} Region and cannot be ${status}`);
      }
      state.get(accountId, region).optStatus = status;
    },
    denyAssumeRole(roleArn) {
      shared.unassumableRoles.add(roleArn);
    },
    setRole: (roleArn, role) => shared.iam.setRole(roleArn, role),
    setIdentityPolicy: (principalArn, policy) => shared.iam.setIdentityPolicy(principalArn, policy),
    get enforceIam() {
      return shared.iam.enforce;
    },
    set enforceIam(on: boolean) {
      shared.iam.enforce = on;
    },
    cloudTrail: (filter = {}) => trail.filter((r) => matchesFilter(r, filter)),
    sqs: sqsTestApi(sqs, defaultAccountId),
    events: shared.events,
    credentialsFor(accountId) {
      const accessKeyId = `AKIA${accountId}SAK`.padEnd(20, 'X').slice(0, 20);
      accessKeys.set(accessKeyId, accountId);
      return { accessKeyId, secretAccessKey: 'standin-secret' };
    },
    close: async () => {},
  };

  function takeFault(call: CallInfo, input: Json): { error: AwsError; afterEffect: boolean } | undefined {
    const i = faults.findIndex((f) => f.remaining > 0 && (f.operation === call.operation || f.operation === `${call.service}:${call.operation}`) && (!f.match || f.match(input, call)));
    if (i < 0) return undefined;
    const f = faults[i]!;
    f.remaining -= 1;
    if (f.remaining <= 0) faults.splice(i, 1);
    return { error: toAwsError(f.error), afterEffect: f.afterEffect === true };
  }

  function throttleRateFor(service: Service): number {
    const t = standin.throttleRate;
    if (typeof t === 'number') return service === 'sagemaker' ? t : 0;
    return t[service] ?? 0;
  }

  async function handle(req: http.IncomingMessage, body: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://standin');
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    const isQuery = contentType.startsWith('application/x-www-form-urlencoded');
    const protocol: 'json' | 'rest' | 'query' = target ? 'json' : isQuery ? 'query' : 'rest';

    const respondError = (service: Service | undefined, e: AwsError): { status: number; headers: Record<string, string>; body: string } => {
      if (service === 'sqs') {
        const { headers, body: errorBody } = sqsErrorResponse(e);
        return { status: e.status, headers: { ...headers, 'x-amzn-requestid': requestId }, body: errorBody };
      }
      if (protocol === 'query') return { status: e.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: stsErrorXml(e, requestId) };
      const headers = { 'x-amzn-errortype': e.code, 'x-amzn-requestid': requestId };
      if (protocol === 'rest') {
        // Account Management's error shapes carry `message`; Security Hub's carry `Code` and `Message`.
        const errorBody = service === 'account' ? { message: e.message } : { Code: e.code, Message: e.message };
        return { status: e.status, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(errorBody) };
      }
      const msgKey = CAPITALIZED_MESSAGE.has(service) ? 'Message' : 'message';
      return { status: e.status, headers: { ...headers, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: e.code, [msgKey]: e.message }) };
    };

    const auth = String(req.headers.authorization ?? '');
    const scope = SCOPE_RE.exec(auth);
    if (!scope) {
      const e = protocol === 'query' ? new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403) : new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
      return respondError(undefined, e);
    }
    const [, accessKeyId, region, signingService] = scope as unknown as [string, string, string, string];
    const service = SERVICES.find((s) => s === signingService);
    if (!service) return respondError(undefined, new AwsError('UnknownOperationException', `The stand-in does not implement service ${signingService}`, 400));

    // Resolve the operation and parse the input.
    let operation: string | undefined;
    let input: Json = {};
    try {
      if (protocol === 'json') {
        operation = target.split('.')[1];
        input = body ? (JSON.parse(body) as Json) : {};
      } else if (protocol === 'query') {
        ({ operation, input } = parseQuery(body));
      } else {
        operation = REST_ROUTES[service]?.find(([m, re]) => m === req.method && re.test(url.pathname))?.[2];
        input = body ? (JSON.parse(body) as Json) : {};
      }
    } catch {
      return respondError(service, new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400));
    }
    const handler = operation === undefined ? undefined : service === 'sqs' ? sqsHandlers[operation] : HANDLERS[service][operation];
    if (!operation || !handler) {
      if (protocol === 'rest') return respondError(service, new AwsError('ResourceNotFoundException', `No route for ${req.method} ${url.pathname}`, 404));
      return respondError(service, new AwsError(protocol === 'query' ? 'InvalidAction' : 'UnknownOperationException', `The stand-in does not implement ${service} operation ${operation ?? '(none)'}`, 400));
    }

    const accountId = accountOf(accessKeyId);
    const regionState = state.get(accountId, region);
    const call: CallInfo = { service, operation, accountId, region };
    const record: CallRecord = { ...call, at: now(), status: 200, throttled: false, input };
    calls.push(record);

    const latency = typeof standin.latencyMs === 'function' ? standin.latencyMs(call) : standin.latencyMs;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));

    const caller = callerOf(accessKeyId, accountId);
    const audit = (outcome: { result?: Json; error?: AwsError }): void => {
      const error = outcome.error && { code: outcome.error.code, message: outcome.error.message };
      const entry = toRecord({ service, operation, accountId, region, caller, accessKeyId, input, userAgent: String(req.headers['user-agent'] ?? ''), requestId, at: now(), result: outcome.result, error });
      pushBounded(trail, entry);
      shared.events.apiCall(entry);
    };
    const fail = (e: AwsError): { status: number; headers: Record<string, string>; body: string } => {
      record.status = e.status;
      record.errorCode = e.code;
      audit({ error: e });
      return respondError(service, e);
    };

    const injected = takeFault(call, input);
    if (injected && !injected.afterEffect) return fail(injected.error);
    const rate = throttleRateFor(service);
    if (rate > 0 && random() < rate) {
      record.throttled = true;
      return fail(throttleError(service));
    }
    const budget = standin.accountRateLimit;
    if (service === 'sagemaker' && budget && !limiter.admit(`${accountId}/${region}`, record.at, budget.perSecond + (budget.burst ?? 0))) {
      record.throttled = true;
      return fail(throttleError(service));
    }
    if (regionState.regionDisabled && !GLOBAL_SERVICES.has(service) && !(service === 'sts' && operation === 'AssumeRole')) {
      return fail(service === 'sts' ? new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403) : regionNotEnabled(service));
    }
    const callerArn = caller.arn;
    if (service !== 'sts' && service !== 'sqs' && (regionState.accessDenied || regionState.deniedOperations.has(operation))) {
      const prefix = IAM_PREFIX[service] ?? service;
      const message = `User: ${callerArn} is not authorized to perform: ${prefix}:${operation} on resource: arn:aws:${prefix}:${region}:${accountId}:* because no identity-based policy allows the ${prefix}:${operation} action`;
      return fail(new AwsError('AccessDeniedException', message, service === 'securityhub' || service === 'account' ? 403 : 400));
    }
    const denied = shared.iam.authorize({ service, operation, accountId, region, input, caller, state: regionState, now: now() });
    if (denied) return fail(denied);

    const ctx: CallContext = { service, operation, accountId, region, accessKeyId, callerArn, state: regionState, now: now(), shared, query: url.searchParams };
    try {
      const result = await handler(ctx, input);
      if (injected) return fail(injected.error);
      audit({ result });
      if (protocol === 'query') return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: stsResponseXml(operation, result, requestId) };
      return {
        status: 200,
        headers: { 'content-type': protocol === 'rest' ? 'application/json' : service === 'sqs' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        body: JSON.stringify(result),
      };
    } catch (e) {
      if (e instanceof AwsError) return fail(e);
      console.error('aws-standin internal error', e);
      return fail(new AwsError(protocol === 'rest' ? 'InternalException' : 'InternalFailure', e instanceof Error ? e.message : String(e), 500));
    }
  }

  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks).toString('utf8')).then(
        (out) => {
          res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) });
          res.end(out.body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  sqs.baseUrl = `http://127.0.0.1:${port}`;
  Object.assign(standin, {
    url: sqs.baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        sqs.close();
        shared.events.close();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return standin;
}

/** Every given field of `filter` equals the call's. */
function matches(call: CallRecord, filter: Partial<CallInfo> & { throttled?: boolean }): boolean {
  return (Object.keys(filter) as Array<keyof typeof filter>).every((k) => filter[k] === undefined || call[k] === filter[k]);
}

function serviceOfOperation(operation: string): SyncService {
  for (const s of SYNC_SERVICES) if (HANDLERS[s][operation]) return s;
  throw new Error(`stand-in: unknown operation ${operation}`);
}
