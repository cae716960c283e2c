/** Names for the compliant copies recreate plans make. */

/** SageMaker's name limit for notebooks, job definitions, endpoint configs, schedules and models. */
export const MAX_NAME_LENGTH = 63;

/**
 * The name a compliant copy gets: `<name>-secure`, or `-secure-2`, `-secure-3`… when the name already carries the
 * suffix. Deterministic (a plan made twice names the same copy) and always a valid SageMaker name: the base is
 * truncated so the result stays within 63 characters, and never ends with a hyphen.
 */
export function compliantName(oldName: string): string {
  const match = /^(.+?)-secure(?:-(\d+))?$/.exec(oldName);
  let base = oldName;
  let suffix = '-secure';
  if (match?.[1]) {
    const next = match[2] === undefined ? 2n : BigInt(match[2]) + 1n;
    const numbered = `-secure-${next.toString()}`;
    if (numbered.length < MAX_NAME_LENGTH) {
      base = match[1];
      suffix = numbered;
    }
  }
  let cleaned = base.replace(/[^a-zA-Z0-9-]/g, '-').replace(/^-+/, '');
  cleaned = cleaned.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/-+$/, '');
  return `${cleaned === '' ? 'copy' : cleaned}${suffix}`;
}
