import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, everyPostedString, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('audit worker failures', () => {
  it('an audit that fails turns the status message into the escaped reason and is not retried', async () => {
    let calls = 0;
    h = await startHarness({
      workers: true,
      runAudit: async () => {
        calls += 1;
        const err = new Error('User: arn:aws:sts::111111111111:assumed-role/<!channel> is not authorized to perform: sts:AssumeRole');
        err.name = 'AccessDenied';
        throw err;
      },
    });
    await h.command('', { responseId: 'fail' });
    await eventually(async () => (await h!.auditJobs()).some((j) => j.failedReason), 10_000, 'the job to fail');
    const [job] = await h.auditJobs();
    const status = h.standin.message(CHANNEL, job!.data.statusMessageTs)!;
    expect(status.text).toContain('The audit failed');
    const body = JSON.stringify(status.blocks);
    expect(body).toContain('*AccessDenied*');
    expect(body).toContain('&lt;!channel&gt;');
    expect(everyPostedString(h.standin).filter((s) => s.includes('<!channel>'))).toEqual([]);
    expect(calls).toBe(1);
    expect(h.standin.thread(CHANNEL, job!.data.statusMessageTs)).toEqual([]);
  });

  it('Slack rate limits (429) on the thread are waited out by the WebClient; nothing is lost', async () => {
    h = await startHarness({
      workers: true,
      runAudit: async (scope) => {
        const { summarize } = await import('../../src/audit/summary.js');
        const { failedResult } = await import('./fixtures.js');
        const results = [failedResult({ controlId: 'SageMaker.3', resourceName: 'nb-a' }), failedResult({ controlId: 'SageMaker.3', resourceName: 'nb-b' })];
        return { generatedAt: new Date().toISOString(), durationMs: 5, scope, summary: summarize(results), results, errors: [], notes: [] };
      },
    });
    await h.command('', { responseId: 'rl' });
    await eventually(async () => (await h!.auditJobs()).length === 1, 5000, 'the audit job');
    h.standin.rateLimit('chat.postMessage', 1, 1);
    await eventually(async () => (await h!.auditJobs()).some((j) => j.returnvalue), 15_000, 'the audit job to complete');
    const [job] = await h.auditJobs();
    expect(job!.returnvalue).toMatchObject({ proposals: 2, slackErrors: 0 });
    expect(h.standin.callsTo('chat.postMessage').some((c) => c.status === 429)).toBe(true);
  });
});
