import { describe, expect, it } from 'vitest';
import { applyAcceptedRisks, riskCovers } from '../../src/risks/apply.js';
import type { AcceptedRiskRecord } from '../../src/risks/types.js';
import { defaultExpiryDate, validateAcceptRisk } from '../../src/risks/validate.js';
import { report, result } from '../digest/fixtures.js';

const now = new Date('2026-11-26T09:00:00Z');

function risk(o: Partial<AcceptedRiskRecord>): AcceptedRiskRecord {
  return {
    id: 'r1',
    acceptedBy: 'U0APPROVER',
    reason: 'dev account',
    acceptedAt: '2026-11-01T00:00:00.000Z',
    expiresAt: '2026-12-01T00:00:00.000Z',
    scope: 'resource',
    status: 'active',
    controlId: 'SageMaker.1',
    accountId: '111111111111',
    region: 'us-east-1',
    resourceArn: 'arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/a',
    resourceName: 'a',
    ...o,
  };
}

describe('applyAcceptedRisks', () => {
  const a = result({ name: 'a' });
  const b = result({ name: 'b' });
  const other = result({ name: 'a', accountId: '222222222222' });
  const passed = result({ name: 'c', status: 'PASSED' });
  const rep = report([a, b, other, passed]);

  it('turns covered FAILED results into SUPPRESSED with acceptedRisk, and out of the failure counts', () => {
    const accepted = risk({});
    const out = applyAcceptedRisks(rep, [accepted], now);
    expect(out.results.map((r) => r.status)).toEqual(['SUPPRESSED', 'FAILED', 'FAILED', 'PASSED']);
    // Exactly the decision's fields, nothing of the target.
    const { id, acceptedBy, reason, acceptedAt, expiresAt, scope } = accepted;
    expect(out.results[0]!.acceptedRisk).toEqual({ id, acceptedBy, reason, acceptedAt, expiresAt, scope });
    expect(out.summary.byStatus.FAILED).toBe(2);
    expect(out.summary.byStatus.SUPPRESSED).toBe(1);
    expect(out.summary.failedBySeverity.HIGH).toBe(2);
    expect(out.summary.byAccount['111111111111']).toMatchObject({ FAILED: 1, SUPPRESSED: 1 });
    expect(out.summary.byControl['SageMaker.1']).toMatchObject({ FAILED: 2, SUPPRESSED: 1 });
    // Pure: the input is untouched.
    expect(rep.results[0]!.status).toBe('FAILED');
    expect(rep.summary.byStatus.FAILED).toBe(3);
    // JSON keeps them visible.
    expect(JSON.parse(JSON.stringify(out)).results[0].acceptedRisk.reason).toBe('dev account');
  });

  it('control-in-account covers every resource of that control in the account, in any region', () => {
    const west = result({ name: 'w', region: 'us-west-2' });
    const out = applyAcceptedRisks(report([a, b, west, other]), [risk({ scope: 'control-in-account' })], now);
    expect(out.results.map((r) => r.status)).toEqual(['SUPPRESSED', 'SUPPRESSED', 'SUPPRESSED', 'FAILED']);
  });

  it('an expired, revoked or other-control risk covers nothing', () => {
    expect(applyAcceptedRisks(rep, [risk({ expiresAt: '2026-11-26T09:00:00.000Z' })], now).summary.byStatus.FAILED).toBe(3);
    expect(applyAcceptedRisks(rep, [risk({ status: 'revoked' })], now).summary.byStatus.FAILED).toBe(3);
    expect(applyAcceptedRisks(rep, [risk({ controlId: 'SageMaker.2' })], now).summary.byStatus.FAILED).toBe(3);
    // The same risk, judged one millisecond before expiry, still holds (injectable clock).
    expect(applyAcceptedRisks(rep, [risk({ expiresAt: '2026-11-26T09:00:00.001Z' })], now).summary.byStatus.FAILED).toBe(2);
  });

  it('matches ARNs case-insensitively (Security Hub lower-cases notebook ARNs)', () => {
    expect(riskCovers(risk({ resourceArn: a.resourceArn.toUpperCase() }), a)).toBe(true);
  });
});

describe('validateAcceptRisk', () => {
  it('accepts a reason, a date within the maximum and a scope', () => {
    const v = validateAcceptRisk({ reason: ' needed for a demo ', expiry: '2027-01-01', scope: 'resource' }, now, 365);
    expect(v).toEqual({ ok: true, value: { reason: 'needed for a demo', expiresAt: '2027-01-01T00:00:00.000Z', expiryDate: '2027-01-01', scope: 'resource' } });
  });

  it('refuses a missing reason, a past or too distant date, and an unknown scope', () => {
    expect(validateAcceptRisk({ reason: '  ', expiry: '2026-11-25', scope: 'x' }, now, 365)).toEqual({
      ok: false,
      errors: { reason: expect.any(String), expiry: 'The expiry date must be after today.', scope: expect.any(String) },
    });
    expect(validateAcceptRisk({ reason: 'r', expiry: '2026-11-26', scope: 'resource' }, now, 365).ok).toBe(false);
    const far = validateAcceptRisk({ reason: 'r', expiry: '2027-03-01', scope: 'resource' }, now, 30);
    expect(far).toEqual({ ok: false, errors: { expiry: 'At most 30 days from today (2026-12-26).' } });
    expect(validateAcceptRisk({ reason: 'r', expiry: '2026-12-26', scope: 'control-in-account' }, now, 30).ok).toBe(true);
  });

  it('refuses dates that do not exist instead of rolling them over (2027-02-30 is not 2 March)', () => {
    for (const expiry of ['2027-02-30', '2027-02-29', '2027-04-31', '2026-13-01', '2026-12-00', '2026-12-32']) {
      expect({ expiry, result: validateAcceptRisk({ reason: 'r', expiry, scope: 'resource' }, now, 365) }).toEqual({
        expiry,
        result: { ok: false, errors: { expiry: `${expiry} is not a date on the calendar: pick one from the date picker.` } },
      });
    }
    expect(validateAcceptRisk({ reason: 'r', expiry: '2027-02-28', scope: 'resource' }, now, 365).ok).toBe(true);
    expect(validateAcceptRisk({ reason: 'r', expiry: '2028-02-29', scope: 'resource' }, now, 3650).ok).toBe(true); // a leap day
  });

  it('defaults to 90 days, or the maximum when smaller', () => {
    expect(defaultExpiryDate(now, 365)).toBe('2027-02-24');
    expect(defaultExpiryDate(now, 30)).toBe('2026-12-26');
  });
});
