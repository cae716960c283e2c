import { errorCode, errorMessage, isAccessDenied, isThrottling } from '../aws/errors.js';

/**
 * Errors of the remediation executor. Two questions decide what happens to a failure:
 * - is it worth trying again later (throttling, 5xx, network)? Then the job is retried by BullMQ with backoff and
 *   resumes where it was (no rollback in between);
 * - otherwise (AccessDenied, Validation, a precondition the resource does not meet) the plan stops at once,
 *   what was done is rolled back, and the job fails without retry.
 */
export class RemediationError extends Error {
  constructor(
    message: string,
    /** The AWS error name (`AccessDeniedException`…) or our own code (`NotebookFailed`, `WaitTimeout`…). */
    readonly code: string,
    readonly retryable: boolean,
    /** The SDK command that failed, when an AWS call failed. */
    readonly operation?: string,
  ) {
    super(message);
    this.name = 'RemediationError';
  }
}

/** A precondition is not met: the plan stops here with a message for a person (never retried). */
export class PlanStoppedError extends RemediationError {
  constructor(message: string, code = 'PlanStopped') {
    super(message, code, false);
    this.name = 'PlanStoppedError';
  }
}

/**
 * The process is shutting down: the run stopped at a safe point (between two steps, or during a wait) with its
 * progress saved, and its job goes back to the queue to resume there. Not a failure: no rollback, no attempt spent.
 */
export class RemediationInterrupted extends Error {
  constructor(readonly at: string) {
    super(`the app is shutting down; the fix resumes ${at} when it is back`);
    this.name = 'RemediationInterrupted';
  }
}

/** A bounded wait ran out. Not retried: a stuck resource (e.g. a notebook that stays Stopping) needs a person. */
export class WaitTimeoutError extends RemediationError {
  constructor(message: string) {
    super(message, 'WaitTimeout', false);
    this.name = 'WaitTimeoutError';
  }
}

const RETRYABLE_CODES = new Set([
  'InternalFailure',
  'InternalServerError',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'NetworkingError',
]);

interface WithMetadata {
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

/** Throttling, 5xx and network failures: worth another attempt later. */
export function isRetryableAwsError(err: unknown): boolean {
  if (isThrottling(err)) return true;
  if (isAccessDenied(err)) return false;
  const code = errorCode(err);
  if (RETRYABLE_CODES.has(code)) return true;
  const meta = typeof err === 'object' && err !== null ? (err as WithMetadata) : {};
  const status = meta.$metadata?.httpStatusCode;
  return (status !== undefined && status >= 500) || meta.$fault === 'server';
}

/** The AWS error name, also of an AWS error already wrapped in a RemediationError. */
function awsCode(err: unknown): string {
  return err instanceof RemediationError ? err.code : errorCode(err);
}

/**
 * SageMaker's answer to a Create whose name is taken: ResourceInUse (job definitions, schedules…) or a
 * ValidationException "Cannot create already existing …" (endpoint configurations, models, endpoints).
 */
export function isAlreadyExists(err: unknown): boolean {
  const code = awsCode(err);
  return code === 'ResourceInUse' || code === 'ResourceInUseException' || (code === 'ValidationException' && /already exist/i.test(errorMessage(err)));
}

/** Wraps anything an AWS call threw, keeping the AWS error name and message. */
export function fromAwsError(err: unknown, operation: string): RemediationError {
  if (err instanceof RemediationError) return err;
  const code = errorCode(err);
  return new RemediationError(`${operation} failed: ${code}: ${errorMessage(err)}`, code, isRetryableAwsError(err), operation);
}

/** Any error as a RemediationError (unknown errors are not retried: they are bugs or surprises). */
export function toRemediationError(err: unknown): RemediationError {
  if (err instanceof RemediationError) return err;
  const code = errorCode(err);
  return new RemediationError(errorMessage(err), code, isRetryableAwsError(err));
}
