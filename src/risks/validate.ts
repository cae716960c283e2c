import type { RiskScope } from './types.js';

const DAY_MS = 24 * 3600 * 1000;
export const DEFAULT_RISK_DAYS = 90;
export const MAX_REASON_LENGTH = 1000;

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** Today + 90 days (or the maximum, when smaller), as the datepicker's `YYYY-MM-DD`. */
export function defaultExpiryDate(now: Date, maxDays: number): string {
  return utcDay(new Date(now.getTime() + Math.min(DEFAULT_RISK_DAYS, maxDays) * DAY_MS));
}

/** The last date a risk may be accepted until. */
export function maxExpiryDate(now: Date, maxDays: number): string {
  return utcDay(new Date(now.getTime() + maxDays * DAY_MS));
}

/** `YYYY-MM-DD` that exists: Date.parse rolls 2027-02-30 over to 2 March, so the date must read back unchanged. */
function isCalendarDate(ymd: string): boolean {
  const ms = Date.parse(`${ymd}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDay(new Date(ms)) === ymd;
}

export interface AcceptRiskForm {
  reason: string | null | undefined;
  /** `YYYY-MM-DD` from the datepicker. */
  expiry: string | null | undefined;
  scope: string | null | undefined;
}

export type AcceptRiskField = 'reason' | 'expiry' | 'scope';

export type AcceptRiskValidation =
  | { ok: true; value: { reason: string; expiresAt: string; expiryDate: string; scope: RiskScope } }
  | { ok: false; errors: Partial<Record<AcceptRiskField, string>> };

/**
 * Checks the modal's values: a non-empty reason, an expiry date after today (UTC) and no later than
 * today + `maxDays`, and a known scope. The risk lasts until the start (00:00 UTC) of the expiry date.
 */
export function validateAcceptRisk(form: AcceptRiskForm, now: Date, maxDays: number): AcceptRiskValidation {
  const errors: Partial<Record<AcceptRiskField, string>> = {};
  const reason = (form.reason ?? '').trim();
  if (reason === '') errors.reason = 'Say why this risk is accepted.';
  else if (reason.length > MAX_REASON_LENGTH) errors.reason = `At most ${MAX_REASON_LENGTH} characters.`;

  const expiry = form.expiry ?? '';
  const today = utcDay(now);
  const max = maxExpiryDate(now, maxDays);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expiry)) errors.expiry = 'Pick an expiry date.';
  else if (!isCalendarDate(expiry)) errors.expiry = `${expiry} is not a date on the calendar: pick one from the date picker.`;
  else if (expiry <= today) errors.expiry = 'The expiry date must be after today.';
  else if (expiry > max) errors.expiry = `At most ${maxDays} days from today (${max}).`;

  const scope = form.scope;
  if (scope !== 'resource' && scope !== 'control-in-account') errors.scope = 'Choose what the acceptance covers.';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { reason, expiresAt: `${expiry}T00:00:00.000Z`, expiryDate: expiry, scope: scope as RiskScope } };
}
