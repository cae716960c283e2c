import type { ReadError } from './resources.js';

/** Where a failed read happened; `resourceArn` when it concerns one resource. */
export interface ErrorContext {
  accountId: string;
  region: string;
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

/** One line, without the stack, at most 300 characters. */
export function errorMessage(err: unknown): string {
  const e = asSdkError(err);
  const raw = typeof e.message === 'string' && e.message !== '' ? e.message : errorCode(err);
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

/**
 * A call in a Region the account has not enabled (an opt-in Region): the service does not know the session there.
 * SageMaker and Security Hub answer UnrecognizedClientException, STS-signed services InvalidClientTokenId.
 */
export function isRegionNotEnabledCode(code: string): boolean {
  return code === 'UnrecognizedClientException' || code === 'InvalidClientTokenId';
}

/** Converts anything thrown by the SDK into a ReadError for the report. */
export function toReadError(err: unknown, ctx: ErrorContext): ReadError {
  const code = errorCode(err);
  let message = errorMessage(err);
  const attempts = asSdkError(err).$metadata?.attempts;
  if (isThrottling(err) && attempts !== undefined && attempts > 1) message = `${message} (gave up after ${attempts} attempts)`;
  const out: ReadError = { accountId: ctx.accountId, region: ctx.region, operation: ctx.operation, code, message };
  if (ctx.resourceArn !== undefined) out.resourceArn = ctx.resourceArn;
  return out;
}

/** Raised when no AWS credentials exist at all: the CLI prints one line and exits 2. */
export class NoCredentialsError extends Error {
  readonly code = 'NoCredentials';
  constructor(readonly detail: string) {
    super(`no AWS credentials found (${detail})`);
    this.name = 'NoCredentialsError';
  }
}
