import { KINDS } from '../../aws/kinds/index.js';
import type { ResourceRef, ResourceSnapshot } from '../../aws/resources.js';
import type { Evaluation } from '../types.js';

/** Wording every control shares: "SageMaker <kind> <name> …", and the UNKNOWN reasons that name what was not read. */

/** "SageMaker notebook instance nb-1". */
export function subject(ref: ResourceRef): string {
  return `SageMaker ${KINDS[ref.kind].label} ${ref.name}`;
}

function readErrorSuffix(snapshot: ResourceSnapshot): string {
  const codes = [...new Set((snapshot.readErrors ?? []).map((e) => e.code))];
  return codes.length > 0 ? ` (${codes.join(', ')})` : '';
}

/** UNKNOWN because the Describe output was not read. */
export function unknownDetail(snapshot: ResourceSnapshot, field: string): Evaluation {
  return {
    status: 'UNKNOWN',
    reason: `${subject(snapshot.ref)} was not evaluated because its ${KINDS[snapshot.ref.kind].describe.operation} output (${field}) was not read${readErrorSuffix(snapshot)}.`,
  };
}

/** UNKNOWN because the tags were not read. */
export function unknownTags(snapshot: ResourceSnapshot): Evaluation {
  return {
    status: 'UNKNOWN',
    reason: `${subject(snapshot.ref)} was not evaluated because its tags (ListTags) were not read${readErrorSuffix(snapshot)}.`,
  };
}

export function result(status: Evaluation['status'], reason: string): Evaluation {
  return { status, reason };
}

/**
 * A value from AWS or from a setting, inside plan text, where backticks mark code (Slack shows them as code spans):
 * its own backticks become ˋ so they can neither open nor close one.
 */
export function planValue(value: string | number): string {
  return String(value).replace(/`/g, 'ˋ');
}

/** "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
