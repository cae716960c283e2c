import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jobIds } from '../../src/queue/jobs.js';
import type { AwsStandin } from '../support/aws-standin/index.js';
import {
  ACCOUNT,
  HUB,
  REGION,
  approve,
  auditStatus,
  closeStandins,
  createCtx,
  enqueue,
  propose,
  seedNotebook,
  startStandins,
  startWorker,
  trailOf,
  until,
  waitFinished,
} from './harness.js';
import type { Ctx, Slack } from './harness.js';

let aws: AwsStandin;
let slack: Slack;
let ctx: Ctx;
let child: ChildProcess | undefined;

beforeAll(async () => {
  ({ aws, slack } = await startStandins(40));
});
afterAll(() => closeStandins({ aws, slack }));
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await ctx.close();
});

function startChild(prefix: string): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./support/child-worker.ts', import.meta.url));
  const options = {
    prefix,
    awsUrl: aws.url,
    hubKeys: aws.credentialsFor(HUB),
    slackUrl: slack.standin.apiUrl,
    slackToken: slack.standin.botToken,
    lockDurationMs: 1000,
  };
  // `node --import tsx`: the worker runs in this very process, so SIGKILL hits it (no tsx wrapper in between).
  const p = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(p);
    });
    p.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
}

describe('a worker process killed with SIGKILL in the middle of a plan', () => {
  it('the job is picked up again by another worker and finishes; no step that acts is repeated', async () => {
    ctx = await createCtx(aws, slack, {}, 'crash');
    seedNotebook(aws, 'nb-crash');
    await until(() => aws.invoke('DescribeNotebookInstance', { NotebookInstanceName: 'nb-crash' }, { accountId: ACCOUNT, region: REGION }).NotebookInstanceStatus === 'InService');
    const proposal = await propose(ctx, { controlId: 'SageMaker.3', resource: 'nb-crash' });
    await approve(ctx, proposal.id);
    aws.resetCounters();
    aws.delays.notebookStopping = 2500; // the child will sit in the wait-stopped step

    child = await startChild(ctx.prefix);
    const jobId = await enqueue(ctx, proposal.id);
    // Killed while waiting: the stop was sent and recorded as done in the job.
    await until(async () => {
      const job = await ctx.queue.getJob(jobId);
      const data = job?.data as unknown as { execution?: { state: { done: Record<string, unknown> } } } | undefined;
      const stopRecorded = (await trailOf(ctx, proposal.id)).some((e) => e.type === 'step-finished' && e.detail?.startsWith('stop:'));
      return aws.callCount('StopNotebookInstance') === 1 && data?.execution?.state.done.stop !== undefined && stopRecorded;
    }, 15_000, 'the stop step to finish in the child (job data and trail)');
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect(child.signalCode).toBe('SIGKILL');
    expect(await ctx.queue.getJobState(jobId)).toBe('active'); // still locked by a dead worker

    // Another worker with a short stalled-check interval picks the job up once the dead worker's lock expires.
    await startWorker(ctx, { options: { stalledInterval: 300, lockDuration: 5000 } });
    const finished = await waitFinished(ctx, jobId, 30_000);
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(finished.returnvalue).toMatchObject({ status: 'succeeded' });

    expect(aws.callCount('StopNotebookInstance')).toBe(1);
    expect(aws.callCount('UpdateNotebookInstance')).toBe(1);
    expect(aws.callCount('StartNotebookInstance')).toBe(1);
    const trail = await trailOf(ctx, proposal.id);
    expect(trail.filter((e) => e.type === 'step-finished' && e.detail?.startsWith('stop:'))).toHaveLength(1);
    const job = await ctx.queue.getJob(jobIds.remediation(proposal.id));
    expect(job!.attemptsStarted).toBeGreaterThanOrEqual(2);
    expect(await auditStatus(ctx, 'SageMaker.3', 'nb-crash')).toBe('PASSED');
  }, 60_000);
});
