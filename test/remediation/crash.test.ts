import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jobIds } from '../../src/queue/jobs.js';
import { REDIS_URL } from '../queue/redis.js';
import type { AwsStandin } from '../support/aws-standin/index.js';
import { freePort } from '../support/ports.js';
import {
  ACCOUNT,
  CHANNEL,
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
  threadTexts,
  trailOf,
  until,
  waitFinished,
} from './harness.js';
import type { Ctx, Slack } from './harness.js';

let aws: AwsStandin;
let slack: Slack;
let ctx: Ctx;
/** The process each test stops the hard way (SIGKILL) or the operator's way (SIGTERM). */
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

/** The job finished on a later delivery, verified; each notebook call that acts was made once; each step finished once. */
async function expectFinishedWithoutRepeats(jobId: string, proposalId: string, steps: string[]): Promise<void> {
  const finished = await waitFinished(ctx, jobId, 30_000);
  expect(finished.state, finished.failedReason).toBe('completed');
  expect(finished.returnvalue).toMatchObject({ status: 'succeeded' });
  for (const operation of ['StopNotebookInstance', 'UpdateNotebookInstance', 'StartNotebookInstance']) expect(aws.callCount(operation), operation).toBe(1);
  const trail = await trailOf(ctx, proposalId);
  for (const step of steps) expect(trail.filter((e) => e.type === 'step-finished' && e.detail?.startsWith(`${step}:`)), step).toHaveLength(1);
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
    await expectFinishedWithoutRepeats(jobId, proposal.id, ['stop']);
    const job = await ctx.queue.getJob(jobIds.remediation(proposal.id));
    expect(job!.attemptsStarted).toBeGreaterThanOrEqual(2);
    expect(await auditStatus(ctx, 'SageMaker.3', 'nb-crash')).toBe('PASSED');
  }, 60_000);
});

/**
 * SIGTERM as an operator's `docker stop` or a Kubernetes rollout sends it: the built app (`node dist/src/main.js`, web
 * and workers as the image runs them, production poll timing) is stopped while a notebook fix waits for InService.
 * It must exit within SHUTDOWN_TIMEOUT_SECONDS with the job handed back, and the next worker resumes the job without
 * repeating a step (the SIGKILL case above, the operator's way).
 */
function startApp(prefix: string, port: number): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const keys = aws.credentialsFor(ACCOUNT);
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: slack.standin.botToken,
      SLACK_SIGNING_SECRET: 'shutdown-test-secret',
      SLACK_API_URL: slack.standin.apiUrl,
      PORT: String(port),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: aws.url,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '3',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('SIGTERM while a notebook fix waits for InService', () => {
  it('web and workers exit well within the bound; the job is handed back and resumes without repeating a step', { timeout: 120_000 }, async () => {
    ctx = await createCtx(aws, slack, {}, 'sigterm');
    seedNotebook(aws, 'nb-term');
    await until(() => aws.invoke('DescribeNotebookInstance', { NotebookInstanceName: 'nb-term' }, { accountId: ACCOUNT, region: REGION }).NotebookInstanceStatus === 'InService');
    const proposal = await propose(ctx, { controlId: 'SageMaker.3', resource: 'nb-term' });
    await approve(ctx, proposal.id);
    aws.resetCounters();
    // Stop and update settle at once (so the app, polling every 15 s as in production, reaches the last wait quickly);
    // started again, the notebook stays Pending long enough for the app to sit in that wait.
    aws.setTransitionDelay(0);
    aws.delays.notebookPending = 8000;

    const port = await freePort();
    const running = startApp(ctx.prefix, port);
    child = running.child;
    await until(() => running.output().includes('"role":"workers"') && running.output().includes('Slack app started'), 60_000, `the app to start: ${running.output()}`);
    const jobId = await enqueue(ctx, proposal.id);
    await until(async () => (await trailOf(ctx, proposal.id)).some((e) => e.type === 'step-started' && e.detail?.startsWith('wait-in-service')), 60_000, 'the wait for InService to begin');
    await new Promise((r) => setTimeout(r, 300)); // inside the wait between two polls

    const sent = performance.now();
    running.child.kill('SIGTERM');
    const code = await running.exited;
    const shutdownMs = performance.now() - sent;
    console.log(`SIGTERM → exit of web + workers, remediation waiting for InService: ${shutdownMs.toFixed(0)} ms`);
    expect(code, running.output()).toBe(0);
    expect(shutdownMs).toBeLessThan(25_000);
    expect(running.output()).toMatch(/"role":"workers".*"msg":"stopped"/);
    expect(running.output()).toMatch(/"role":"all".*"msg":"stopped"/);
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'open', () => 'closed')).toBe('closed');

    // Handed back: waiting (not failed, not active), progress saved, no attempt spent, and the thread says so.
    expect(await ctx.queue.getJobState(jobId)).toBe('waiting');
    const job = (await ctx.queue.getJob(jobId))!;
    expect(job.attemptsMade).toBe(0);
    const done = Object.keys((job.data as unknown as { execution: { state: { done: Record<string, unknown> } } }).execution.state.done);
    expect(done).toEqual(expect.arrayContaining(['stop', 'update', 'start']));
    expect(done).not.toContain('wait-in-service');
    expect((await trailOf(ctx, proposal.id)).filter((e) => e.type === 'handed-back')).toHaveLength(1);
    expect(threadTexts(ctx, proposal).join('\n')).toContain('Paused while the app restarts');
    expect((await ctx.proposals.get(proposal.id))!.state.status).toBe('running');

    // The next worker resumes at the wait: nothing that acts runs twice, and the fix is verified.
    await startWorker(ctx);
    await expectFinishedWithoutRepeats(jobId, proposal.id, ['stop', 'update', 'start', 'wait-in-service']);
    expect(await auditStatus(ctx, 'SageMaker.3', 'nb-term')).toBe('PASSED');
    expect(slack.standin.messages(CHANNEL).length).toBeGreaterThan(0);
  });
});
