/** An error the stand-in answers with, in the shape of the service's protocol. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** STS (awsQuery) distinguishes Sender/Receiver faults. */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

/** What a test passes to `failNext`: an error code (HTTP 400) or a full description. */
export type InjectedError = string | { code: string; message?: string; status?: number };

export function toAwsError(e: InjectedError): AwsError {
  if (typeof e === 'string') return new AwsError(e, `Injected ${e}`, 400);
  return new AwsError(e.code, e.message ?? `Injected ${e.code}`, e.status ?? 400);
}

export const validation = (message: string): AwsError => new AwsError('ValidationException', message, 400);
export const resourceNotFound = (message: string): AwsError => new AwsError('ResourceNotFound', message, 400);
export const resourceInUse = (message: string): AwsError => new AwsError('ResourceInUse', message, 400);
