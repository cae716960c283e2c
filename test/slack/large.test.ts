import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport, AuditResult, CoveredScope } from '../../src/audit/report.js';
import { summarize } from '../../src/audit/summary.js';
import { CONTROLS } from '../../src/controls/index.js';

const CONTROL_IDS = CONTROLS.map((c) => c.metadata.id);
import type { AuditJobResult } from '../../src/slack/threads/audit.js';
import { CHANNEL, eventually, everyPostedString, startHarness, type Harness } from './harness.js';
import { failedResult, plan } from './fixtures.js';

/**
 * 2,000 FAILED results (plus other statuses) through the real queue and audit worker: every message fits Slack's
 * limits (the stand-in rejects what Slack rejects), and the counts posted equal the report's.
 */

const FAILED = 2000;
let report: AuditReport;
let h: Harness;
let result: AuditJobResult;
let statusTs: string;

function syntheticReport(scope: CoveredScope): AuditReport {
  const results: AuditResult[] = [];
  for (let i = 0; i < FAILED; i++) {
    const controlId = CONTROL_IDS[i % CONTROL_IDS.length]!;
    const name = i % 97 === 0 ? `<!channel>-${i}` : `nb-${String(i).padStart(5, '0')}-${'x'.repeat(i % 40)}`;
    results.push(
      failedResult({
        controlId,
        resourceName: name,
        resourceArn: `arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/${name}`,
        reason: `SageMaker notebook ${name} fails ${controlId} <@U123> *bold* ${'because '.repeat(i % 30)}`,
        severity: (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const)[i % 4],
        remediation: i % 5 === 0 ? null : plan({ kind: i % 7 === 0 ? 'manual' : 'in-place', verify: { controlId } }),
      }) as AuditResult,
    );
  }
  for (let i = 0; i < 500; i++) results.push({ ...failedResult({ controlId: CONTROL_IDS[i % CONTROL_IDS.length]!, resourceName: `ok-${i}` }), status: i % 2 ? 'PASSED' : 'UNKNOWN', remediation: null } as AuditResult);
  const errors = Array.from({ length: 45 }, (_, i) => ({ accountId: '111111111111', region: 'us-east-1', operation: 'sagemaker:DescribeNotebookInstance', code: 'AccessDeniedException', message: `User <!here> is not authorized ${i}` }));
  return { generatedAt: new Date().toISOString(), durationMs: 1234, scope, summary: summarize(results, scope), results, errors, notes: [{ message: 'Security Hub is not enabled in eu-west-1' }] };
}

beforeAll(async () => {
  h = await startHarness({
    workers: true,
    runAudit: async (scope) => {
      report = syntheticReport(scope);
      return report;
    },
  });
  await h.command('', { responseId: 'large' });
  await eventually(async () => (await h.auditJobs()).some((j) => j.returnvalue), 60_000, 'the audit job to complete');
  const [job] = await h.auditJobs();
  result = job!.returnvalue as AuditJobResult;
  statusTs = job!.data.statusMessageTs;
}, 90_000);

afterAll(async () => {
  await h?.close();
});

const texts = (blocks: unknown[] | undefined): string =>
  (blocks ?? []).map((b) => JSON.stringify(b)).join('\n');

describe('2,000 failing results', () => {
  it('every Slack call was accepted and every message has at most 50 blocks', () => {
    expect(h.standin.calls.filter((c) => c.response.ok !== true)).toEqual([]);
    const thread = h.standin.thread(CHANNEL, statusTs);
    expect(thread.length).toBe(result.threadMessages + result.proposals);
    for (const m of thread) expect((m.blocks ?? []).length).toBeLessThanOrEqual(50);
    expect(result.slackErrors).toBe(0);
  });

  it('the summary states the report counts', () => {
    const summary = h.standin.message(CHANNEL, statusTs)!;
    expect(summary.text).toBe(`SageMaker audit: ${FAILED} FAILED of ${report.summary.total}`);
    const body = texts(summary.blocks);
    expect(body).toContain(`*Failed*\\n${FAILED}`);
    expect(body).toContain(`CRITICAL ${report.summary.failedBySeverity.CRITICAL}`);
    expect(body).toContain(`45 read errors`);
  });

  it('the per-control counts in the thread equal the report, and listed + "… and M more" = FAILED per control', () => {
    const thread = h.standin.thread(CHANNEL, statusTs);
    const linesOf = (title: string) =>
      thread
        .filter((m) => (m.text ?? '').startsWith(title))
        .flatMap((m) => (m.blocks ?? []).map((b) => (b as { text?: { text?: string } }).text?.text ?? ''))
        .join('\n')
        .split('\n');

    const counted = new Map<string, number>();
    for (const line of linesOf('Results by control')) {
      const m = /^\*(SageMaker\.\d+)\* — (\d+) failed/.exec(line);
      if (m) counted.set(m[1]!, Number(m[2]));
    }
    const listed = new Map<string, { header: number; shown: number; more: number }>();
    let current: { header: number; shown: number; more: number } | undefined;
    for (const line of linesOf('Failing resources')) {
      const header = /^\*(SageMaker\.\d+): (\d+) FAILED\*/.exec(line);
      if (header) {
        current = { header: Number(header[2]), shown: 0, more: 0 };
        listed.set(header[1]!, current);
      } else if (line.startsWith('• ')) current!.shown += 1;
      else {
        const more = /^… and (\d+) more FAILED for (SageMaker\.\d+) \(see CLI `sagemaker-audit scan --controls \2`\)/.exec(line);
        if (more) current!.more += Number(more[1]);
      }
    }
    for (const [id, counts] of Object.entries(report.summary.byControl)) {
      expect(counted.get(id), id).toBe(counts.FAILED);
      const l = listed.get(id)!;
      expect(l.header, id).toBe(counts.FAILED);
      expect(l.shown + l.more, id).toBe(counts.FAILED);
    }
    expect([...counted.values()].reduce((a, b) => a + b, 0)).toBe(FAILED);
  });

  it('proposals: at most K per control and the cap, with the rest counted', () => {
    expect(result.proposals).toBe(30);
    const note = h.standin.thread(CHANNEL, statusTs).find((m) => (m.text ?? '').includes('more fixable findings'));
    const fixable = report.results.filter((r) => r.status === 'FAILED' && r.remediation).length;
    expect(note?.text).toBe(`${fixable - 30} more fixable findings without a proposal in this thread`);
  });

  it('escapes hostile names, reasons and errors everywhere', () => {
    const strings = everyPostedString(h.standin);
    expect(strings.filter((s) => s.includes('<!channel>') || s.includes('<!here>') || s.includes('<@U123>'))).toEqual([]);
  });
});
