import type { AwsService, ReadError } from './resources.js';

/** Where a failed read happened; `resourceArn` when it concerns one resource. */
export interface ErrorContext {
  accountId: string;
  region: string;
  service?: AwsService;
  operation: string;
  resourceArn?: string;
}

interface SdkLikeError {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function asSdkError(err: unknown): SdkLikeError {
  return typeof err === 'object' && err !== null ? (err as SdkLikeError) : { message: String(err) };
}

/** The error's code as AWS names it (`AccessDeniedException`, `ThrottlingException`, `ECONNREFUSED`, …). */
export function errorCode(err: unknown): string {
  const e = asSdkError(err);
  for (const candidate of [e.name, e.Code, e.code]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate;
  }
  return 'UnknownError';
}

/** The SDK HTTP handler's timeout messages, in words that name the setting to change. */
const TIMEOUT_MESSAGES: [RegExp, (ms: string) => string][] = [
  [/exceeded the configured (\d+) ms requestTimeout/, (ms) => `no answer within ${ms} ms, the AWS_REQUEST_TIMEOUT_MS limit`],
  [/did not establish a connection with the server within the configured timeout of (\d+) ms/, (ms) => `no connection within ${ms} ms, the AWS_CONNECT_TIMEOUT_MS limit`],
  [/timed out after (\d+) ms of inactivity/, (ms) => `the answer stopped for ${ms} ms, the AWS_REQUEST_TIMEOUT_MS limit`],
];

/** One line, without the stack, at most 300 characters. */
export function errorMessage(err: unknown): string {
  const e = asSdkError(err);
  let raw = typeof e.message === 'string' && e.message !== '' ? e.message : errorCode(err);
  for (const [pattern, words] of TIMEOUT_MESSAGES) {
    const m = pattern.exec(raw);
    if (m) raw = words(m[1]!);
  }
  const oneLine = raw.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 299)}…` : oneLine;
}

/** No credentials could be found by the default chain (or the chain was misconfigured). */
export function isCredentialsError(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'CredentialsProviderError' || code === 'ProviderError' || /could not load credentials/i.test(errorMessage(err));
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
  'NotAuthorized',
]);

export function isAccessDenied(err: unknown): boolean {
  const e = asSdkError(err);
  return ACCESS_DENIED.has(errorCode(err)) || e.$metadata?.httpStatusCode === 403;
}

export function isThrottling(err: unknown): boolean {
  return /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(errorCode(err));
}

/**
 * Security Hub answers `InvalidAccessException` ("Account … is not subscribed to AWS Security Hub") when it is
 * not enabled in the account/region. That is a note for the report, not an error.
 */
export function isSecurityHubNotEnabled(err: unknown): boolean {
  const code = errorCode(err);
  const message = errorMessage(err);
  return code === 'InvalidAccessException' || /not subscribed to (AWS )?Security ?Hub/i.test(message) || /SecurityHub is not enabled/i.test(message);
}

/** The message, and how many attempts the SDK made when it retried (throttling, timeouts, refused connections). */
function messageWithAttempts(err: unknown): string {
  const attempts = asSdkError(err).$metadata?.attempts;
  return attempts !== undefined && attempts > 1 ? `${errorMessage(err)} (gave up after ${attempts} attempts)` : errorMessage(err);
}

/**
 * A call in a Region the account has not enabled (an opt-in Region): the service does not know the session there.
 * SageMaker and Security Hub answer UnrecognizedClientException, STS-signed services InvalidClientTokenId.
 */
export function isRegionNotEnabledCode(code: string): boolean {
  return code === 'UnrecognizedClientException' || code === 'InvalidClientTokenId';
}

/** Converts anything thrown by the SDK into a ReadError for the report. */
export function toReadError(err: unknown, ctx: ErrorContext): ReadError {
  const out: ReadError = { accountId: ctx.accountId, region: ctx.region, operation: ctx.operation, code: errorCode(err), message: messageWithAttempts(err) };
  if (ctx.service !== undefined) out.service = ctx.service;
  if (ctx.resourceArn !== undefined) out.resourceArn = ctx.resourceArn;
  return out;
}

/** "sagemaker:ListNotebookInstances": the call a read error is about, with its service, as people read it. */
export function failedCall(e: Pick<ReadError, 'service' | 'operation'>): string {
  return e.service !== undefined && !e.operation.startsWith(`${e.service}:`) ? `${e.service}:${e.operation}` : e.operation;
}

/**
 * A call whose failure ends the whole audit (the caller's own identity): its message names the service and the
 * operation, e.g. "sts:GetCallerIdentity failed: ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:443".
 */
export class AwsCallError extends Error {
  constructor(call: string, cause: unknown) {
    const code = errorCode(cause);
    const message = messageWithAttempts(cause);
    super(`${call} failed: ${code}${message === code ? '' : `: ${message}`}`, { cause });
    this.name = 'AwsCallError';
  }
}

/** Raised when no AWS credentials exist at all: the CLI prints one line and exits 2. */
export class NoCredentialsError extends Error {
  readonly code = 'NoCredentials';
  constructor(readonly detail: string) {
    super(`no AWS credentials found (${detail})`);
    this.name = 'NoCredentialsError';
  }
}

/** SageMaker's answer when the named resource does not exist (the code differs between APIs). */
export function isNotFound(err: unknown): boolean {
  // Our own wrappers (a remediation step's error) keep the AWS code in `code` under their own name.
  const wrapped = asSdkError(err).code;
  const code = typeof wrapped === 'string' && wrapped !== '' ? wrapped : errorCode(err);
  if (code === 'ResourceNotFound' || code === 'ResourceNotFoundException' || code === 'NotFoundException') return true;
  // Describe* on a missing notebook/endpoint/config answers ValidationException "Could not find …".
  return code === 'ValidationException' && /could not find|does not exist|not found|RecordNotFound/i.test(errorMessage(err));
}
