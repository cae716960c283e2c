import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport, AuditResult, CoveredScope } from '../../src/audit/report.js';
import { summarize } from '../../src/audit/summary.js';
import { CONTROLS } from '../../src/controls/index.js';
import { DEFAULT_THREAD_LIMITS, parseShowNextValue } from '../../src/slack/blocks/audit.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import type { AuditJobResult, ShowNextResult } from '../../src/slack/threads/audit.js';
import type { StoredMessage } from '../support/slack-standin/index.js';
import { CHANNEL, eventually, everyPostedString, OUTSIDER, startHarness, type Harness } from './harness.js';
import { failedResult, plan } from './fixtures.js';

/**
 * 2,000 FAILED results on 1,000 resources (plus other statuses) through the real queue and audit worker: every message
 * fits Slack's limits (the stand-in rejects what Slack rejects), the list names what fits and counts the rest, ten
 * proposals come first (riskiest first), and "Show next 10" posts the next ten.
 */

const CONTROL_IDS = CONTROLS.map((c) => c.metadata.id);
const RESOURCES = 1000;
let report: AuditReport;
let h: Harness;
let result: AuditJobResult;
let statusTs: string;

function syntheticReport(scope: CoveredScope): AuditReport {
  const results: AuditResult[] = [];
  for (let i = 0; i < RESOURCES * 2; i++) {
    const n = Math.floor(i / 2);
    const controlId = CONTROL_IDS[i % CONTROL_IDS.length]!;
    const name = n % 97 === 0 ? `<!channel>-${n}` : `nb-${String(n).padStart(5, '0')}-${'x'.repeat(n % 40)}`;
    results.push(
      failedResult({
        controlId,
        resourceName: name,
        resourceArn: `arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/${name}`,
        reason: `SageMaker notebook ${name} fails ${controlId} <@U123> *bold* ${'because '.repeat(i % 30)}`,
        severity: (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const)[n % 4],
        remediation: n % 5 === 0 ? null : plan({ kind: n % 7 === 0 ? 'manual' : 'in-place', verify: { controlId } }),
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
  const job = (await h.auditJobs()).find((j) => j.returnvalue)!;
  result = job.returnvalue as AuditJobResult;
  statusTs = (job.data as { statusMessageTs: string }).statusMessageTs;
}, 90_000);

afterAll(async () => {
  await h?.close();
});

const texts = (blocks: unknown[] | undefined): string => (blocks ?? []).map((b) => JSON.stringify(b)).join('\n');
const linesOf = (m: StoredMessage): string[] => (m.blocks ?? []).flatMap((b) => ((b as { text?: { text?: string } }).text?.text ?? '').split('\n'));
const isProposal = (m: StoredMessage) => texts(m.blocks).includes('Proposal `');
const nextButton = (m: StoredMessage) =>
  (m.blocks ?? []).map((b) => (b as { accessory?: { action_id?: string; value?: string } }).accessory).find((a) => a?.action_id === ACTION_IDS.showNext);

describe('1,000 failing resources', () => {
  it('every Slack call was accepted and every message has at most 50 blocks', () => {
    expect(h.standin.calls.filter((c) => c.response.ok !== true)).toEqual([]);
    const thread = h.standin.thread(CHANNEL, statusTs);
    expect(thread.length).toBe(result.threadMessages);
    for (const m of thread) expect((m.blocks ?? []).length).toBeLessThanOrEqual(50);
    expect(result.slackErrors).toBe(0);
  });

  it('the summary states the report counts', () => {
    const summary = h.standin.message(CHANNEL, statusTs)!;
    expect(summary.text).toBe(`SageMaker audit: ${RESOURCES * 2} FAILED of ${report.summary.total}`);
    const body = texts(summary.blocks);
    expect(body).toContain(`*Failed*\\n${RESOURCES * 2}`);
    expect(body).toContain(`CRITICAL ${report.summary.failedBySeverity.CRITICAL}`);
    expect(body).toContain(`45 read errors`);
  });

  it('one compact list: a line per resource that fits, the rest counted with the way to get them', () => {
    const thread = h.standin.thread(CHANNEL, statusTs);
    const list = thread.filter((m) => (m.text ?? '').includes('failing resources, riskiest first')).flatMap(linesOf);
    expect(list[0]).toMatch(new RegExp(`^\\*${RESOURCES} failing resources\\*`));
    const named = list.filter((l) => /^\d+\. /.test(l));
    expect(named).toHaveLength(DEFAULT_THREAD_LIMITS.listed);
    const more = list.map((l) => /^… and (\d+) more failing resources: `\/sagemaker-audit resource=<name>`/.exec(l)).find(Boolean);
    expect(Number(more![1]) + named.length).toBe(RESOURCES);
    // Riskiest first: the CRITICAL resources lead, each line naming every control it fails.
    expect(named[0]).toContain(':red_circle:');
    expect(named[0]).toMatch(/SageMaker\.\d+, \.\d+/);
    expect(named.slice(0, 10).every((l) => l.endsWith('proposal below'))).toBe(true);
  });

  it('ten proposals, riskiest first; the rest kept for "Show next 10", and beyond those counted', () => {
    const proposable = new Set(report.results.filter((r) => r.status === 'FAILED' && r.remediation).map((r) => r.resourceArn)).size;
    expect(result.proposals).toBe(DEFAULT_THREAD_LIMITS.proposals);
    expect(result.later).toBe(DEFAULT_THREAD_LIMITS.backlog);
    const thread = h.standin.thread(CHANNEL, statusTs);
    const proposals = thread.filter(isProposal);
    expect(proposals).toHaveLength(10);
    expect(proposals.every((m) => texts(m.blocks).includes(':red_circle:'))).toBe(true);
    const list = thread.flatMap(linesOf).join('\n');
    expect(list).toContain(`${proposable - 10 - DEFAULT_THREAD_LIMITS.backlog} beyond those`);
    expect(nextButton(thread.at(-1)!)).toBeDefined();
    // Thread: the list (2 messages), read errors and notes, the proposals, the button.
    expect(thread.length).toBeLessThanOrEqual(15);
  });

  it('"Show next 10" posts the next ten once (a double click posts nothing more), then offers the next page', async () => {
    const last = h.standin.thread(CHANNEL, statusTs).at(-1)!;
    const value = nextButton(last)!.value!;
    expect(parseShowNextValue(value)).toEqual({ auditId: expect.any(String), page: 1 });
    const before = h.standin.thread(CHANNEL, statusTs).filter(isProposal).length;
    await Promise.all([h.press(ACTION_IDS.showNext, value, OUTSIDER, last.ts), h.press(ACTION_IDS.showNext, value, OUTSIDER, last.ts)]);
    await eventually(async () => (await h.auditJobs()).filter((j) => j.returnvalue).length === 2, 30_000, 'the show-next job');
    const shown = (await h.auditJobs()).map((j) => j.returnvalue as ShowNextResult).find((r) => r && 'page' in r)!;
    expect(shown).toMatchObject({ page: 1, proposals: 10, reused: 0, remaining: DEFAULT_THREAD_LIMITS.backlog - 10 });
    const thread = h.standin.thread(CHANNEL, statusTs);
    expect(thread.filter(isProposal).length - before).toBe(10);
    expect(nextButton(h.standin.message(CHANNEL, last.ts)!)).toBeUndefined();
    expect(texts(h.standin.message(CHANNEL, last.ts)!.blocks)).toContain('10 more proposals posted below');
    expect(parseShowNextValue(nextButton(thread.at(-1)!)!.value)).toMatchObject({ page: 2 });
    expect(h.standin.calls.filter((c) => c.response.ok !== true)).toEqual([]);
  });

  it('escapes hostile names, reasons and errors everywhere', () => {
    const strings = everyPostedString(h.standin);
    expect(strings.filter((s) => s.includes('<!channel>') || s.includes('<!here>') || s.includes('<@U123>'))).toEqual([]);
  });
});
