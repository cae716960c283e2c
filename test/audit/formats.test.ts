import { describe, expect, it } from 'vitest';
import { csvField, formatReport } from '../../src/audit/formats.js';
import type { AuditReport, AuditResult } from '../../src/audit/report.js';
import { compareResults, summarize } from '../../src/audit/summary.js';

const result = (o: Partial<AuditResult>): AuditResult => ({
  controlId: 'SageMaker.3',
  status: 'FAILED',
  severity: 'HIGH',
  resourceKind: 'notebook-instance',
  resourceType: 'AWS::SageMaker::NotebookInstance',
  resourceArn: 'arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/nb',
  resourceName: 'nb',
  accountId: '111111111111',
  region: 'us-east-1',
  reason: 'SageMaker notebook instance nb has root access enabled.',
  remediation: null,
  securityHub: null,
  fingerprint: null,
  ...o,
});

function report(results: AuditResult[]): AuditReport {
  return {
    generatedAt: '2026-11-26T10:00:00.000Z',
    durationMs: 1234,
    scope: { accounts: ['111111111111'], regions: ['us-east-1'], controls: ['SageMaker.3'], source: 'both' },
    summary: summarize(results, { controls: ['SageMaker.3'] }),
    results,
    errors: [{ accountId: '222222222222', region: '*', operation: 'sts:AssumeRole', code: 'AccessDenied', message: 'no' }],
    notes: [{ message: 'a note' }],
  };
}

describe('summarize', () => {
  it('counts by status, severity of failures, control, account, region and drift', () => {
    const s = summarize(
      [
        result({ securityHub: { status: 'FAILED', findingId: 'f', productArn: 'p', workflowStatus: 'NEW', drift: 'agrees' } }),
        result({ status: 'PASSED', region: 'eu-west-1', securityHub: { status: null, findingId: null, productArn: null, workflowStatus: null, drift: 'agrees' } }),
        result({ controlId: 'SageMaker.4', severity: 'MEDIUM' }),
        result({ status: 'UNKNOWN' }),
      ],
      { controls: ['SageMaker.3', 'SageMaker.4', 'SageMaker.21'], accounts: ['111111111111', '999999999999'] },
    );
    expect(s.total).toBe(4);
    expect(s.byStatus).toEqual({ FAILED: 2, UNKNOWN: 1, SUPPRESSED: 0, PASSED: 1, NOT_APPLICABLE: 0 });
    expect(s.failedBySeverity).toEqual({ CRITICAL: 0, HIGH: 1, MEDIUM: 1, LOW: 0 });
    expect(Object.keys(s.byControl)).toEqual(['SageMaker.3', 'SageMaker.4', 'SageMaker.21']);
    expect(s.byControl['SageMaker.21']).toEqual({ FAILED: 0, UNKNOWN: 0, SUPPRESSED: 0, PASSED: 0, NOT_APPLICABLE: 0 });
    expect(s.byAccount['999999999999']?.FAILED).toBe(0);
    expect(s.byRegion).toMatchObject({ 'us-east-1': { FAILED: 2, UNKNOWN: 1 }, 'eu-west-1': { PASSED: 1 } });
    expect(s.drift).toEqual({ agrees: 2, 'fixed-still-reported': 0, 'failing-not-reported': 0, 'reported-only': 0, 'not-compared': 0 });
  });

  it('orders FAILED by severity then control number (SageMaker.4 before SageMaker.21)', () => {
    const rs = [
      result({ status: 'PASSED', controlId: 'SageMaker.1' }),
      result({ controlId: 'SageMaker.21', severity: 'MEDIUM' }),
      result({ controlId: 'SageMaker.4', severity: 'MEDIUM' }),
      result({ controlId: 'SageMaker.3', resourceName: 'b' }),
      result({ controlId: 'SageMaker.3', resourceName: 'a' }),
    ].sort(compareResults);
    expect(rs.map((r) => `${r.status} ${r.controlId} ${r.resourceName}`)).toEqual([
      'FAILED SageMaker.3 a',
      'FAILED SageMaker.3 b',
      'FAILED SageMaker.4 nb',
      'FAILED SageMaker.21 nb',
      'PASSED SageMaker.1 nb',
    ]);
  });
});

describe('formats', () => {
  const tricky = result({ resourceName: 'nb,"quoted"', reason: 'line one\nline "two", with comma' });

  it('csv quotes commas, quotes and newlines (RFC 4180) and neutralises formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    const csv = formatReport(report([tricky]), 'csv');
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('status,severity,controlId,accountId,region,resourceKind,resourceName,resourceArn,reason,securityHubStatus,drift,findingId,workflowStatus,remediationKind,remediationSummary,acceptedBy,acceptedReason,acceptedUntil,acceptedScope');
    expect(row).toContain('"nb,""quoted"""');
    expect(csv).toContain('"line one\nline ""two"", with comma"');
  });

  it('json is the report itself', () => {
    const r = report([tricky]);
    expect(JSON.parse(formatReport(r, 'json'))).toEqual(r);
  });

  it('table: one line per result, truncated to the width, errors and notes listed', () => {
    const long = result({ reason: 'x'.repeat(500) });
    const text = formatReport(report([long, result({ status: 'PASSED' })]), 'table', { width: 120 });
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('STATUS'));
    expect(header).toMatch(/STATUS\s+SEVERITY\s+CONTROL\s+ACCOUNT\s+REGION\s+RESOURCE\s+REASON/);
    const row = lines.find((l) => l.startsWith('FAILED'));
    expect(row!.length).toBeLessThanOrEqual(120);
    expect(row).toMatch(/x…$/);
    expect(text).toContain('2 results: 1 FAILED (1 HIGH), 1 PASSED');
    expect(text).toContain('222222222222 * sts:AssumeRole: AccessDenied: no');
    expect(text).toContain('a note');
  });

  it('markdown escapes pipes and keeps one row per result', () => {
    const md = formatReport(report([result({ reason: 'a | b' })]), 'markdown');
    expect(md).toContain('| Status | Severity | Control | Account | Region | Resource | Reason | Security Hub |');
    expect(md).toContain('a \\| b');
    expect(md.split('\n').filter((l) => l.startsWith('| FAILED'))).toHaveLength(1);
  });
});
