import { describe, expect, it } from 'vitest';
import { diffDigest, type PreviousRun } from '../../src/digest/diff.js';
import { buildDigestModel } from '../../src/digest/model.js';
import { digestCsv, parseCsv, CSV_COLUMNS, csvCell } from '../../src/digest/csv.js';
import { findingKey } from '../../src/digest/keys.js';
import { digestBlocks, parseDigestItemValue, DIGEST_ACTION_IDS } from '../../src/slack/blocks/digest.js';
import { RISK_ACTION_IDS, parseAcceptRiskValue } from '../../src/slack/views/accept-risk.js';
import { validateBlocks } from '../support/slack-standin/index.js';
import { fleet, report, result } from './fixtures.js';

const T0 = new Date('2026-11-20T09:00:00Z');
const T1 = new Date('2026-11-26T09:00:00Z');

function model(rep: ReturnType<typeof report>, previous: PreviousRun | null, now: Date) {
  const diff = diffDigest(rep, previous, now);
  return { diff, model: buildDigestModel({ report: rep, diff, now, risks: { active: [], expired: [] } }) };
}

function previousFrom(diff: ReturnType<typeof diffDigest>, at: Date): PreviousRun {
  return { runAt: at.toISOString(), open: diff.next };
}

describe('digest at scale', () => {
  it('10,000 results: blocks within Slack limits, counts and CSV rows agree with the audit', () => {
    const results = fleet(10_000);
    const rep = report(results);
    const { model: m } = model(rep, null, T1);
    const failed = results.filter((r) => r.status === 'FAILED').length;
    expect(failed).toBe(6000);
    expect(m.totals.failing).toBe(failed);
    expect(Object.values(m.bySeverity).reduce((a, b) => a + b, 0)).toBe(failed);
    expect(m.bySeverity).toEqual(rep.summary.failedBySeverity);
    expect(m.byControl.reduce((a, c) => a + c.failing, 0)).toBe(failed);
    expect(m.byAccountRegion.reduce((a, c) => a + c.failing, 0)).toBe(failed);
    for (const c of m.byControl) expect(c.failing).toBe(rep.summary.byControl[c.controlId]!.FAILED);

    const blocks = digestBlocks(m, { runId: 'd1', day: '2026-11-26' });
    expect(validateBlocks(blocks)).toBeNull();
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const b of blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    // Far below the undocumented ~13k total.
    const totalText = blocks.map((b) => JSON.stringify(b)).join('').length;
    expect(totalText).toBeLessThan(12_000);
    expect(JSON.stringify(blocks)).toContain('more in the CSV in the thread');

    const rows = parseCsv(digestCsv(m.items));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.length - 1).toBe(failed);
    const csvKeys = new Set(rows.slice(1).map((r) => findingKey({ controlId: r[2]!, accountId: r[3]!, region: r[4]!, resourceArn: r[7]! })));
    const failedKeys = new Set(results.filter((r) => r.status === 'FAILED').map(findingKey));
    expect(csvKeys).toEqual(failedKeys);
    // Names that need escaping survive the CSV as written.
    expect(rows.some((r) => r[6] === 'nb-<0>&*bold*')).toBe(true);
  });

  it('top failures are the most severe, then the oldest, each with Propose fix and Accept risk', () => {
    const old = result({ name: 'old-high', severity: 'HIGH' });
    const crit = result({ name: 'new-crit', severity: 'CRITICAL', controlId: 'SageMaker.3' });
    const manual = result({ name: 'manual', severity: 'CRITICAL', controlId: 'SageMaker.4' });
    manual.remediation = { ...manual.remediation!, kind: 'manual' };
    const first = model(report([old]), null, T0);
    const { model: m } = model(report([old, crit, manual]), previousFrom(first.diff, T0), T1);
    expect(m.top.map((i) => i.resourceName)).toEqual(['new-crit', 'manual', 'old-high']);
    expect(m.oldest[0]!.resourceName).toBe('old-high');
    expect(m.oldest[0]!.ageDays).toBe(6);
    const blocks = digestBlocks(m, { runId: 'd2', day: '2026-11-26' });
    const actions = blocks.filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(3);
    const ids = actions.map((b) => (b.type === 'actions' ? b.elements.map((e) => ('action_id' in e ? e.action_id : '')) : []));
    expect(ids[0]).toEqual([DIGEST_ACTION_IDS.proposeFix, RISK_ACTION_IDS.accept]);
    expect(ids[1]).toEqual([RISK_ACTION_IDS.accept]); // manual fix: no Propose fix
    const fix = actions[2]!.type === 'actions' ? actions[2]!.elements[0]! : undefined;
    expect(parseDigestItemValue(fix && 'value' in fix ? fix.value : undefined)).toEqual({ runId: 'd2', index: 2 });
    const accept = actions[0]!.type === 'actions' ? actions[0]!.elements[1]! : undefined;
    expect(parseAcceptRiskValue(accept && 'value' in accept ? accept.value : undefined)).toEqual({
      target: { controlId: 'SageMaker.3', accountId: '111111111111', region: 'us-east-1', resourceArn: crit.resourceArn, resourceName: 'new-crit' },
    });
  });

  it('escapes names from AWS in the blocks', () => {
    const { model: m } = model(report([result({ name: '<!channel>*x*' })]), null, T1);
    // Button values are not rendered; everything a person reads is escaped.
    const json = JSON.stringify(digestBlocks(m, { runId: 'd3', day: '2026-11-26' }), (k, v: unknown) => (k === 'value' ? undefined : v));
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;!channel&gt;');
  });
});

describe('new and fixed', () => {
  it('first run is a baseline; the second lists new and fixed, keeping firstSeen', () => {
    const a = result({ name: 'a' });
    const b = result({ name: 'b' });
    const first = model(report([a, b]), null, T0);
    expect(first.model.firstRun).toBe(true);
    expect(first.model.newFailures).toHaveLength(0);

    const c = result({ name: 'c' });
    const second = model(report([{ ...a }, { ...b, status: 'PASSED' }, c]), previousFrom(first.diff, T0), T1);
    expect(second.model.newFailures.map((i) => i.resourceName)).toEqual(['c']);
    expect(second.model.fixed.map((f) => [f.resourceName, f.nowStatus])).toEqual([['b', 'PASSED']]);
    expect(second.diff.next.get(findingKey(a))!.firstSeen).toBe(T0.toISOString());
    expect(second.diff.next.get(findingKey(c))!.firstSeen).toBe(T1.toISOString());
    expect(second.diff.next.has(findingKey(b))).toBe(false);
  });

  it('a resource gone from a region that was read counts as fixed', () => {
    const a = result({ name: 'a' });
    const first = model(report([a]), null, T0);
    const second = model(report([]), previousFrom(first.diff, T0), T1);
    expect(second.model.fixed.map((f) => f.nowStatus)).toEqual(['ABSENT']);
  });

  it('an unreadable region or account does not turn its failures into "fixed"', () => {
    const east = result({ name: 'east', region: 'us-east-1' });
    const west = result({ name: 'west', region: 'us-west-2' });
    const other = result({ name: 'other', accountId: '222222222222' });
    const first = model(report([east, west, other]), null, T0);
    const errors = [
      { accountId: '111111111111', region: 'us-west-2', operation: 'sagemaker:ListNotebookInstances', code: 'AccessDeniedException', message: 'denied' },
      { accountId: '222222222222', region: '*', operation: 'sts:AssumeRole', code: 'AccessDenied', message: 'no role' },
    ];
    const second = model(report([{ ...east, status: 'PASSED' }], errors), previousFrom(first.diff, T0), T1);
    expect(second.model.fixed.map((f) => f.resourceName)).toEqual(['east']);
    expect(second.diff.carried.map((c) => [c.state.resourceName, c.reason]).sort()).toEqual([
      ['other', 'unreadable'],
      ['west', 'unreadable'],
    ]);
    expect(second.model.unreadable.map((u) => [u.accountId, u.region, u.carried])).toEqual([
      ['111111111111', 'us-west-2', 1],
      ['222222222222', '*', 1],
    ]);
    // Carried findings keep their firstSeen, so they are not "new" once readable again.
    const third = model(report([{ ...east, status: 'PASSED' }, west, other]), previousFrom(second.diff, T1), new Date('2026-11-27T09:00:00Z'));
    expect(third.model.newFailures).toHaveLength(0);
    expect(third.diff.next.get(findingKey(west))!.firstSeen).toBe(T0.toISOString());
    const blocks = JSON.stringify(digestBlocks(second.model, { runId: 'd', day: 'x' }));
    expect(blocks).toContain('Could not be read');
    expect(blocks).toContain('sts:AssumeRole: AccessDenied');
  });

  it('an UNKNOWN result is carried, not fixed', () => {
    const a = result({ name: 'a' });
    const first = model(report([a]), null, T0);
    const second = model(report([{ ...a, status: 'UNKNOWN' }]), previousFrom(first.diff, T0), T1);
    expect(second.model.fixed).toHaveLength(0);
    expect(second.diff.carried[0]!.reason).toBe('unknown');
  });
});

describe('csv', () => {
  it('quotes and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(parseCsv('a,"b,c"\r\n"d\r\ne",f\r\n')).toEqual([
      ['a', 'b,c'],
      ['d\r\ne', 'f'],
    ]);
  });
});
