import { describe, expect, it } from 'vitest';
import type { AuditReport, AuditResult } from '../../src/audit/report.js';
import { summarize } from '../../src/audit/summary.js';
import { auditVerdict } from '../../src/audit/verdict.js';
import type { ReadError } from '../../src/aws/resources.js';
import { exitCodeFor } from '../../src/cli/main.js';
import { diffDigest } from '../../src/digest/diff.js';
import { buildDigestModel } from '../../src/digest/model.js';
import { auditSummaryMessage } from '../../src/slack/blocks/audit.js';
import { digestBlocks, digestText } from '../../src/slack/blocks/digest.js';
import { failedResult } from './fixtures.js';

/** The CLI's exit code, the Slack summary's headline and the digest say the same thing about the same report. */

const unknown = (name: string): AuditResult => ({
  ...failedResult({ resourceName: name }),
  status: 'UNKNOWN',
  remediation: null,
  reason: `SageMaker notebook instance ${name} was not evaluated because its DescribeNotebookInstance output was not read.`,
  securityHub: { status: null, findingId: null, productArn: null, workflowStatus: null, drift: 'not-compared' },
});
const passed = (name: string): AuditResult => ({ ...failedResult({ resourceName: name }), status: 'PASSED', remediation: null, securityHub: { status: null, findingId: null, productArn: null, workflowStatus: null, drift: 'agrees' } });
const denied = (name: string): ReadError => ({ accountId: '123456789012', region: 'us-east-1', operation: 'DescribeNotebookInstance', code: 'AccessDeniedException', message: 'no', resourceArn: `arn:x/${name}` });

function report(results: AuditResult[], errors: ReadError[]): AuditReport {
  return {
    generatedAt: '2026-11-26T09:00:00.000Z',
    durationMs: 10,
    scope: { accounts: ['123456789012'], regions: ['us-east-1'], controls: ['SageMaker.2'], source: 'both' },
    summary: summarize(results),
    results,
    errors,
    notes: [],
  };
}

const headline = (r: AuditReport) => {
  const m = auditSummaryMessage('a1', r, 'U0REQUESTER', 25);
  return { text: m.text, head: JSON.stringify(m.blocks[0]), all: JSON.stringify(m.blocks) };
};
const digest = (r: AuditReport) => {
  const now = new Date('2026-11-26T09:00:00Z');
  const model = buildDigestModel({ report: r, diff: diffDigest(r, null, now), now, risks: { active: [], expired: [] } });
  return { text: digestText(model, '2026-11-26'), blocks: JSON.stringify(digestBlocks(model, { runId: 'd1', day: '2026-11-26' })) };
};

describe('one verdict on every surface', () => {
  const names = ['nb-1', 'nb-2', 'nb-3', 'nb-4'];
  const incomplete = report(names.map(unknown), names.map(denied));
  const clear = report(names.map(passed), []);
  const failing = report([failedResult(), ...names.map(unknown)], names.map(denied));

  it('4 UNKNOWN with 4 read errors: CLI exit 2, Slack says incomplete (never all clear), the digest says incomplete', () => {
    expect(exitCodeFor(incomplete)).toBe(2);
    const h = headline(incomplete);
    expect(h.head).not.toContain(':white_check_mark:');
    expect(h.head).toContain(':warning:');
    expect(h.head).toMatch(/incomplete/);
    expect(h.text).toMatch(/^SageMaker audit incomplete: /);
    expect(h.all).not.toMatch(/all clear/i);
    expect(h.all).toContain('0 agree');
    expect(h.all).toContain('4 not compared');
    const d = digest(incomplete);
    expect(d.text).toMatch(/incomplete/);
    expect(d.blocks).toMatch(/:warning: \*Incomplete:\*/);
    expect(d.blocks).not.toMatch(/all clear/i);
  });

  it('everything read and passing: exit 0, "all clear" in Slack and in the digest', () => {
    expect(exitCodeFor(clear)).toBe(0);
    expect(auditVerdict(clear).outcome).toBe('passing');
    expect(headline(clear).head).toContain(':white_check_mark:');
    expect(headline(clear).head).toMatch(/all clear/);
    expect(digest(clear).blocks).toMatch(/:white_check_mark: \*All clear:\*/);
  });

  it('a failure: exit 1, the alarm in Slack, and the digest counts it', () => {
    expect(exitCodeFor(failing)).toBe(1);
    expect(headline(failing).head).toContain(':rotating_light:');
    expect(headline(failing).text).toBe('SageMaker audit: 1 FAILED of 5');
    expect(digest(failing).blocks).toMatch(/:rotating_light: \*1 FAILED/);
  });
});
