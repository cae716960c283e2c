import type { AwsError } from './errors.js';
import { validation } from './errors.js';

export interface PageSpec {
  /** Operation name, baked into the token so a token from another call is rejected. */
  operation: string;
  defaultMax: number;
  min?: number;
  max: number;
  /** Error factory for a bad token / MaxResults (SageMaker: ValidationException; Security Hub: InvalidInputException). */
  invalid?: (message: string) => AwsError;
  /** Wire name of the max parameter in messages. */
  maxName?: string;
}

/** Opaque token: base64url of "<operation>:<offset>:<check>". */
function encodeToken(operation: string, offset: number): string {
  const body = `${operation}:${offset}`;
  return Buffer.from(`${body}:${checksum(body)}`).toString('base64url');
}

function checksum(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}

function decodeToken(operation: string, token: string): number | undefined {
  let text: string;
  try {
    text = Buffer.from(token, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
  const m = /^([A-Za-z]+):(\d+):(\d+)$/.exec(text);
  if (!m || m[1] !== operation) return undefined;
  if (Number(m[3]) !== checksum(`${m[1]}:${m[2]}`)) return undefined;
  return Number(m[2]);
}

/** Slice `items` like AWS: validates MaxResults and NextToken, returns the page and the next token. */
export function paginate<T>(
  items: readonly T[],
  input: { MaxResults?: unknown; NextToken?: unknown },
  spec: PageSpec,
): { page: T[]; nextToken?: string } {
  const invalid = spec.invalid ?? validation;
  const maxName = spec.maxName ?? 'maxResults';
  let max = spec.defaultMax;
  if (input.MaxResults !== undefined && input.MaxResults !== null) {
    const v = input.MaxResults;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(`1 validation error detected: Value '${String(v)}' at '${maxName}' failed to satisfy constraint: Member must be an integer`);
    const min = spec.min ?? 1;
    if (v < min) throw invalid(`1 validation error detected: Value '${v}' at '${maxName}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
    if (v > spec.max) throw invalid(`1 validation error detected: Value '${v}' at '${maxName}' failed to satisfy constraint: Member must have value less than or equal to ${spec.max}`);
    max = v;
  }
  let offset = 0;
  if (input.NextToken !== undefined && input.NextToken !== null && input.NextToken !== '') {
    const decoded = typeof input.NextToken === 'string' ? decodeToken(spec.operation, input.NextToken) : undefined;
    if (decoded === undefined) throw invalid('Invalid pagination token');
    offset = decoded;
  }
  const page = items.slice(offset, offset + max);
  const next = offset + max;
  return next < items.length ? { page, nextToken: encodeToken(spec.operation, next) } : { page };
}
