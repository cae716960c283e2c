import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getControl } from '../../src/controls/index.js';
import { jobIds } from '../../src/queue/jobs.js';
import { GateStop, checkGates } from '../../src/remediation/gates.js';
import { SlidingWindowLimiter } from '../../src/util/sliding-window.js';
import type { AwsStandin } from '../support/aws-standin/index.js';
import {
  ACCOUNT,
  APPROVER,
  MUTATING,
  REGION,
  approve,
  auditStatus,
  closeStandins,
  createCtx,
  createCtxWithWorker,
  installRoles,
  enqueue,
  propose,
  resetAws,
  seedAppImageConfig,
  seedNotebook,
  startStandins,
  threadTexts,
  trailOf,
  waitFinished,
} from './harness.js';
import type { Ctx, Slack } from './harness.js';

let aws: AwsStandin;
let slack: Slack;
let ctx: Ctx;

beforeAll(async () => {
  ({ aws, slack } = await startStandins(40));
});
afterAll(() => closeStandins({ aws, slack }));
beforeEach(() => resetAws(aws, 40));
afterEach(async () => {
  await ctx.close();
});

const region = () => aws.region(ACCOUNT, REGION);
const notebook = (name: string) => region().table('notebook-instance').get(name.toLowerCase())!;
const mutatingCalls = () => MUTATING.reduce((n, op) => n + aws.callCount(op), 0);

async function inService(name: string): Promise<void> {
  for (let i = 0; i < 200 && notebook(name).status !== 'InService'; i++) {
    aws.invoke('DescribeNotebookInstance', { NotebookInstanceName: name }, { accountId: ACCOUNT, region: REGION });
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('safety gates', () => {
  beforeEach(async () => {
    ctx = await createCtxWithWorker(aws, slack);
  });

  it('every control the plan claims is gated: one of them no longer failing stops the fix before any change', async () => {
    seedNotebook(aws, 'nb-two', { platform: 'notebook-al2-v3' });
    await inService('nb-two');
    const proposal = await propose(ctx, { controls: ['SageMaker.3', 'SageMaker.8'], resource: 'nb-two' });
    const client = ctx.services.aws.clients(ACCOUNT, REGION).sagemaker;
    const controls = proposal.plan.verify.controlIds.map((id) => getControl(id)!);
    // Same resource, same fingerprint; only SageMaker.8's parameter now accepts the notebook's platform.
    const params = { ...ctx.config.controlParameters, supportedPlatformIdentifiers: ['notebook-al2-v3', 'notebook-al2023-v1'] };
    const stop = await checkGates({ client, proposal, controls, params }).catch((err: unknown) => err as GateStop);
    expect(stop).toBeInstanceOf(GateStop);
    expect((stop as GateStop).outcome).toBe('failed');
    expect((stop as GateStop).message).toMatch(/^SageMaker\.8 now evaluates PASSED/);
    // Both still failing: the gates pass and return both evaluations.
    expect((await checkGates({ client, proposal, controls, params: ctx.config.controlParameters })).map((e) => e.status)).toEqual(['FAILED', 'FAILED']);
    expect(mutatingCalls()).toBe(0);
  });

  it('drift: the resource changed since the audit → stop, failed, no change', async () => {
    seedNotebook(aws, 'nb-drift');
    await inService('nb-drift');
    const proposal = await propose(ctx, { controlId: 'SageMaker.3', resource: 'nb-drift' });
    notebook('nb-drift').input.VolumeSizeInGB = 50; // someone changed it
    await approve(ctx, proposal.id);
    const finished = await waitFinished(ctx, await enqueue(ctx, proposal.id));
    expect(finished.state).toBe('failed');
    expect(finished.attemptsMade).toBe(1);
    expect(finished.failedReason).toContain('resource changed since the audit; run /sagemaker-audit again');
    expect(mutatingCalls()).toBe(0);
    const state = (await ctx.proposals.get(proposal.id))!.state;
    expect(state.status).toBe('failed');
    expect(state.note).toContain('resource changed since the audit');
    expect(threadTexts(ctx, proposal).at(-1)).toContain('before changing anything');
  });

  it('already passing on a fresh read → succeeded, no change', async () => {
    seedNotebook(aws, 'nb-fixed');
    await inService('nb-fixed');
    const proposal = await propose(ctx, { controlId: 'SageMaker.3', resource: 'nb-fixed' });
    notebook('nb-fixed').input.RootAccess = 'Disabled';
    await approve(ctx, proposal.id);
    const finished = await waitFinished(ctx, await enqueue(ctx, proposal.id));
    expect(finished.state).toBe('completed');
    expect(finished.returnvalue).toMatchObject({ status: 'no-change' });
    expect(mutatingCalls()).toBe(0);
    expect((await ctx.proposals.get(proposal.id))!.state).toMatchObject({ status: 'succeeded' });
    expect(threadTexts(ctx, proposal).at(-1)).toContain('nothing was changed');
  });

  it('Failed notebook: the plan stops with a clear message and touches nothing', async () => {
    seedNotebook(aws, 'nb-broken');
    await inService('nb-broken');
    const proposal = await propose(ctx, { controlId: 'SageMaker.3', resource: 'nb-broken' });
    aws.failNotebook(ACCOUNT, REGION, 'nb-broken', 'EBS volume attach failed');
    await approve(ctx, proposal.id);
    const finished = await waitFinished(ctx, await enqueue(ctx, proposal.id));
    expect(finished.state).toBe('failed');
    expect(finished.failedReason, JSON.stringify(finished)).toContain("notebook is Failed; SageMaker cannot stop or update it");
    expect(finished.failedReason).toContain('EBS volume attach failed');
    expect(mutatingCalls()).toBe(0);
  });

  it('Pending notebook: waits until InService, stops, updates and starts it again', async () => {
    aws.setTransitionDelay(40);
    aws.delays.notebookPending = 1500; // longer than the audit, the approval and the fix's AssumeRole before the first step
    seedNotebook(aws, 'nb-pending');
    const proposal = await propose(ctx, { controlId: 'SageMaker.3', resource: 'nb-pending' });
    expect(notebook('nb-pending').status).toBe('Pending');
    await approve(ctx, proposal.id);
    const finished = await waitFinished(ctx, await enqueue(ctx, proposal.id));
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(aws.callCount('StopNotebookInstance')).toBe(1);
    expect(aws.callCount('StartNotebookInstance')).toBe(1);
    const stop = aws.calls.find((c) => c.operation === 'StopNotebookInstance' && c.status === 200)!;
    expect(stop.at).toBeGreaterThan(aws.calls[0]!.at + 400); // it waited out Pending first
    const job = await ctx.queue.getJob(jobIds.remediation(proposal.id));
    expect((job!.data as unknown as { execution: { state: { facts: object } } }).execution.state.facts).toMatchObject({ initialStatus: 'Pending', wasRunning: true });
  });

  it('only an approved proposal runs; a manual plan is never executed', async () => {
    seedNotebook(aws, 'nb-pend');
    await inService('nb-pend');
    const pendingOnly = await propose(ctx, { controlId: 'SageMaker.3', resource: 'nb-pend' });
    const skipped = await waitFinished(ctx, await enqueue(ctx, pendingOnly.id));
    expect(skipped.returnvalue).toMatchObject({ status: 'skipped', note: 'proposal is pending' });

    const manual = await propose(ctx, { controlId: 'SageMaker.1', resource: 'nb-pend' });
    expect(manual.plan.kind).toBe('manual');
    await approve(ctx, manual.id);
    const finished = await waitFinished(ctx, await enqueue(ctx, manual.id));
    expect(finished.state).toBe('failed');
    expect(finished.failedReason).toContain('manual plan');
    expect(mutatingCalls()).toBe(0);
  });

  it('50 concurrent adds for one proposal → one job, one run, one AddTags', async () => {
    seedAppImageConfig(aws, 'aic-dupe');
    const proposal = await propose(ctx, { controlId: 'SageMaker.6', resource: 'aic-dupe' });
    await approve(ctx, proposal.id);
    await Promise.all(Array.from({ length: 50 }, () => enqueue(ctx, proposal.id)));
    const finished = await waitFinished(ctx, jobIds.remediation(proposal.id));
    expect(finished.state).toBe('completed');
    const counts = await ctx.queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
    expect(counts).toEqual({ completed: 1, failed: 0, waiting: 0, active: 0, delayed: 0 });
    expect(aws.callCount('AddTags')).toBe(1);
    const trail = await trailOf(ctx, proposal.id);
    expect(trail.filter((e) => e.type === 'succeeded')).toHaveLength(1);
    // A second job for the same proposal (queue dedupe bypassed) does nothing: the CAS and the owner key.
    await ctx.queue.add('remediate', { proposalId: proposal.id, approvedBy: APPROVER, approvedAt: '', dryRun: false }, { jobId: 'other-job' });
    const second = await waitFinished(ctx, 'other-job');
    expect(second.returnvalue).toMatchObject({ status: 'skipped' });
    expect(aws.callCount('AddTags')).toBe(1);
  });
});

describe('AWS errors', () => {
  beforeEach(async () => {
    ctx = await createCtxWithWorker(aws, slack);
  });

  it('AccessDenied fails at once with the AWS message, after rolling back (the notebook is started again)', async () => {
    seedNotebook(aws, 'nb-denied');
    await inService('nb-denied');
    const proposal = await propose(ctx, { controlId: 'SageMaker.3', resource: 'nb-denied' });
    region().deniedOperations.add('UpdateNotebookInstance');
    try {
      await approve(ctx, proposal.id);
      const finished = await waitFinished(ctx, await enqueue(ctx, proposal.id, { attempts: 3 }));
      expect(finished.state).toBe('failed');
      expect(finished.attemptsMade).toBe(1); // no retry
      expect(finished.failedReason).toContain('AccessDeniedException');
      expect(finished.failedReason).toContain('is not authorized to perform: sagemaker:UpdateNotebookInstance');
      expect(aws.callCount('UpdateNotebookInstance')).toBe(1);
      expect(aws.callCount('StartNotebookInstance')).toBe(1); // rollback
      const trail = await trailOf(ctx, proposal.id);
      expect(trail.find((e) => e.type === 'rolled-back')?.detail).toContain('started notebook nb-denied again');
      const result = threadTexts(ctx, proposal).at(-1)!;
      expect(result).toContain('Rolled back');
      expect(result).toContain('sagemaker:UpdateNotebookInstance');
    } finally {
      region().deniedOperations.clear();
    }
  });

  it('throttling: the SDK and then BullMQ retry, and the fix succeeds once', async () => {
    seedAppImageConfig(aws, 'aic-throttled');
    const proposal = await propose(ctx, { controlId: 'SageMaker.6', resource: 'aic-throttled' });
    aws.failNext('AddTags', { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 }, { count: 4 });
    await approve(ctx, proposal.id);
    const finished = await waitFinished(ctx, await enqueue(ctx, proposal.id, { attempts: 3 }), 30_000);
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(finished.attemptsMade).toBe(2); // one BullMQ retry after the SDK's 3 attempts
    expect(aws.calls.filter((c) => c.operation === 'AddTags' && c.status === 200)).toHaveLength(1);
    expect(aws.calls.filter((c) => c.operation === 'AddTags' && c.errorCode === 'ThrottlingException')).toHaveLength(4);
    expect(await auditStatus(ctx, 'SageMaker.6', 'aic-throttled')).toBe('PASSED');
  });
});

describe('per-account rate limit', () => {
  it('the Redis window admits accountRatePerSecond per account and says how long to wait', async () => {
    ctx = await createCtx(aws, slack);
    const limiter = new SlidingWindowLimiter(ctx.redis, `${ctx.prefix}:remediation:rate`, 2);
    const a = [await limiter.take('111111111111'), await limiter.take('111111111111'), await limiter.take('111111111111')];
    const other = await limiter.take('222222222222');
    // A sliding window: the first two are admitted, the third waits until the first leaves the window (< 1 s).
    expect(a.slice(0, 2)).toEqual([0, 0]);
    expect(a[2]).toBeGreaterThan(0);
    expect(a[2]).toBeLessThanOrEqual(1000);
    expect(other).toBe(0);
    // Once the wait is over, the next one is admitted.
    await new Promise((r) => setTimeout(r, a[2]! + 20));
    expect(await limiter.take('111111111111')).toBe(0);
  });

  it('jobs of an account over its rate are delayed (not failed) while another account keeps going', async () => {
    ctx = await createCtxWithWorker(aws, slack, { REMEDIATION_ACCOUNT_RATE: '2' });
    const B = '333333333333';
    installRoles(aws, B);
    const ids: { id: string; account: string }[] = [];
    for (let i = 0; i < 6; i++) {
      seedAppImageConfig(aws, `aic-a${i}`);
      ids.push({ id: (await propose(ctx, { controlId: 'SageMaker.6', resource: `aic-a${i}` })).id, account: ACCOUNT });
    }
    for (let i = 0; i < 2; i++) {
      seedAppImageConfig(aws, `aic-b${i}`, {}, { accountId: B });
      ids.push({ id: (await propose(ctx, { controlId: 'SageMaker.6', resource: `aic-b${i}`, accountId: B })).id, account: B });
    }
    aws.resetCounters();
    for (const { id } of ids) await approve(ctx, id);
    await Promise.all(ids.map(({ id }) => enqueue(ctx, id)));
    const results = await Promise.all(ids.map(({ id }) => waitFinished(ctx, jobIds.remediation(id), 20_000)));
    for (const r of results) expect(r.state).toBe('completed');
    for (const r of results) expect(r.attemptsMade, JSON.stringify(results)).toBe(1); // a delay is not a failed attempt
    const addA = aws.calls.filter((c) => c.operation === 'AddTags' && c.accountId === ACCOUNT).map((c) => c.at).sort((x, y) => x - y);
    const addB = aws.calls.filter((c) => c.operation === 'AddTags' && c.accountId === B).map((c) => c.at).sort((x, y) => x - y);
    expect(addA).toHaveLength(6);
    expect(addB).toHaveLength(2);
    // 6 jobs at 2 per second: in a sliding window the 5th and 6th start at least 2 s after the 1st (the AddTags calls
    // follow their admission after a few reads, hence the margin).
    expect(addA[5]! - addA[0]!).toBeGreaterThan(1800);
    // Account B was not held back by A.
    expect(addB[1]!).toBeLessThan(addA[5]!);
  });
});
