import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readResource } from '../../src/aws/read-resource.js';
import { getControl } from '../../src/controls/index.js';
import type { Control } from '../../src/controls/types.js';
import { emptyExecutionState, executePlan, rollBack } from '../../src/remediation/executor.js';
import type { ExecutionContext, ExecutionState } from '../../src/remediation/executor.js';
import type { RemediationPlan } from '../../src/plans/plan.js';
import type { AwsStandin } from '../support/aws-standin/index.js';
import {
  ACCOUNT,
  APPROVER,
  REGION,
  closeStandins,
  createCtx,
  remediate,
  resetAws,
  seedDefinitionWithSchedules,
  startStandins,
  startWorker,
  threadTexts,
} from './harness.js';
import type { Ctx, Slack } from './harness.js';

let aws: AwsStandin;
let slack: Slack;
let ctx: Ctx;

beforeAll(async () => {
  ({ aws, slack } = await startStandins(30));
});
afterAll(() => closeStandins({ aws, slack }));
beforeEach(async () => {
  resetAws(aws);
  ctx = await createCtx(aws, slack);
});
afterEach(async () => {
  await ctx.close();
});

const region = () => aws.region(ACCOUNT, REGION);
const definitions = () => [...region().table('data-quality-job-definition').values()].filter((r) => !r.deleted);
const describeDefinition = (name: string) => aws.invoke('DescribeDataQualityJobDefinition', { JobDefinitionName: name }, { accountId: ACCOUNT, region: REGION });

/** Every schedule points at a definition that exists, and the original definition is intact (same content, same tags). */
function expectConsistent(original: Record<string, unknown>, originalTags: unknown, schedulesOn: string): void {
  const names = new Set(definitions().map((d) => d.name));
  for (const s of region().table('monitoring-schedule').values()) {
    const cfg = s.input.MonitoringScheduleConfig as { MonitoringJobDefinitionName?: string };
    expect(names.has(cfg.MonitoringJobDefinitionName ?? ''), `${s.name} → ${cfg.MonitoringJobDefinitionName}`).toBe(true);
    expect(cfg.MonitoringJobDefinitionName).toBe(schedulesOn);
  }
  const { JobDefinitionArn: _a, CreationTime: _c, ...now } = describeDefinition('dq-def');
  const { JobDefinitionArn: _a2, CreationTime: _c2, ...before } = original;
  expect(now).toEqual(before);
  expect(region().tags.get(aws.arn('data-quality-job-definition', ACCOUNT, REGION, 'dq-def'))).toEqual(originalTags);
}

function seed(): { original: Record<string, unknown>; tags: unknown } {
  seedDefinitionWithSchedules(aws, 'dq-def', ['sched-a', 'sched-b']);
  const original = describeDefinition('dq-def');
  const tags = structuredClone(region().tags.get(String(original.JobDefinitionArn)));
  return { original, tags };
}

describe('job definition swap: faults at each step leave every schedule on an existing definition and lose none', () => {
  beforeEach(async () => {
    await startWorker(ctx);
  });

  it('CreateDataQualityJobDefinition fails → nothing changed, the plan stops with the AWS error', async () => {
    const { original, tags } = seed();
    aws.failNext('CreateDataQualityJobDefinition', { code: 'ValidationException', message: 'Injected: image not allowed' });
    const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.11', resource: 'dq-def' });
    expect(finished.state).toBe('failed');
    expect(finished.attemptsMade).toBe(1);
    expect(finished.failedReason).toContain('ValidationException: Injected: image not allowed');
    expect(definitions().map((d) => d.name)).toEqual(['dq-def']);
    expect(aws.callCount('UpdateMonitoringSchedule')).toBe(0);
    expectConsistent(original, tags, 'dq-def');
    expect(threadTexts(ctx, proposal).at(-1)).toContain('ValidationException');
  });

  it('UpdateMonitoringSchedule fails on the 2nd schedule → the 1st is pointed back, the new definition deleted', async () => {
    const { original, tags } = seed();
    let n = 0;
    aws.failNext('UpdateMonitoringSchedule', { code: 'ValidationException', message: 'Injected: schedule locked' }, { match: () => ++n === 2 });
    const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.11', resource: 'dq-def' });
    expect(finished.state).toBe('failed');
    expect(finished.failedReason).toContain('Injected: schedule locked');
    expect(definitions().map((d) => d.name)).toEqual(['dq-def']);
    // 1 repoint + 1 failed + 1 pointed back.
    expect(aws.calls.filter((c) => c.operation === 'UpdateMonitoringSchedule').map((c) => [c.input.MonitoringScheduleName, (c.input.MonitoringScheduleConfig as { MonitoringJobDefinitionName: string }).MonitoringJobDefinitionName, c.status])).toHaveLength(3);
    expect(aws.callCount('DeleteDataQualityJobDefinition')).toBe(1); // the new one
    expectConsistent(original, tags, 'dq-def');
    const result = threadTexts(ctx, proposal).at(-1)!;
    expect(result).toContain('Rolled back');
    expect(result).toContain('back at dq-def');
    expect(result).toContain('deleted the new data quality job definition dq-def-secure');
  });

  it('the old definition cannot be deleted (AccessDenied) → schedules go back, nothing is lost', async () => {
    const { original, tags } = seed();
    region().deniedOperations.add('DeleteDataQualityJobDefinition');
    try {
      const { finished } = await remediate(ctx, { controlId: 'SageMaker.11', resource: 'dq-def' });
      expect(finished.state).toBe('failed');
      expect(finished.failedReason).toContain('AccessDeniedException');
    } finally {
      region().deniedOperations.clear();
    }
    // The new definition could not be deleted either (same denied operation): it stays, unused; nothing points at it.
    expectConsistent(original, tags, 'dq-def');
  });
});

describe('executor: crash and resume, rollback from the saved copy', () => {
  async function planFor(): Promise<{ plan: RemediationPlan }> {
    const client = ctx.services.aws.clients(ACCOUNT, REGION).sagemaker; // the audit role reads
    const ref = { kind: 'data-quality-job-definition' as const, name: 'dq-def', arn: aws.arn('data-quality-job-definition', ACCOUNT, REGION, 'dq-def'), accountId: ACCOUNT, region: REGION };
    const snapshot = await readResource(client, ref, { describe: true, tags: false });
    const control = getControl('SageMaker.11') as unknown as Control<'data-quality-job-definition'>;
    return { plan: control.plan(snapshot, ctx.config.controlParameters) };
  }

  function execContext(state: ExecutionState, persist: () => Promise<void>): ExecutionContext {
    // The remediation role's session, as an approved fix has it.
    const { sagemaker } = ctx.services.aws.remediation({ accountId: ACCOUNT, region: REGION, approvedBy: APPROVER, proposalId: 'pexecutor' });
    return { sagemaker, dryRun: false, pollIntervalMs: 10, maxPollIntervalMs: 50, defaultMaxWaitSeconds: 10, state, persist };
  }

  it('the process dies right after CreateDataQualityJobDefinition → the re-run skips the create and finishes', async () => {
    seed();
    const { plan } = await planFor();
    // Run 1: "persist" stores a copy (what the job data holds) and never returns once the new definition exists,
    // like a process killed right after the create call.
    let lastPersisted: ExecutionState = emptyExecutionState();
    const state1 = emptyExecutionState();
    const run1 = executePlan(
      execContext(state1, async () => {
        if (state1.facts.created?.includes('dq-def-secure')) await new Promise(() => undefined);
        lastPersisted = structuredClone(state1);
      }),
      plan,
    );
    void run1;
    for (let i = 0; i < 200 && aws.callCount('CreateDataQualityJobDefinition') === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    expect(lastPersisted.done.snapshot).toBeDefined();
    expect(lastPersisted.done.create).toBeUndefined();

    // Run 2 resumes from what was persisted.
    const state2 = structuredClone(lastPersisted);
    const result = await executePlan(execContext(state2, async () => undefined), plan);
    expect(result.status).toBe('succeeded');
    expect(state2.done.create).toMatchObject({ status: 'skipped' });
    expect(aws.calls.filter((c) => c.operation === 'CreateDataQualityJobDefinition')).toHaveLength(1);
    expect(aws.callCount('DeleteDataQualityJobDefinition')).toBe(1);
    expect(definitions().map((d) => d.name)).toEqual(['dq-def-secure']);
  });

  it('create-compliant fails when the new name exists with different settings (and does not touch it on rollback)', async () => {
    seed();
    const { plan } = await planFor();
    aws.invoke('CreateDataQualityJobDefinition', { ...structuredClone(describeDefinition('dq-def')), JobDefinitionName: 'dq-def-secure', JobDefinitionArn: undefined, CreationTime: undefined }, { accountId: ACCOUNT, region: REGION });
    const result = await executePlan(execContext(emptyExecutionState(), async () => undefined), plan);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.error.code).toBe('NameTaken');
    expect(result.error.message).toContain('already exists with different settings');
    expect(definitions().map((d) => d.name).sort()).toEqual(['dq-def', 'dq-def-secure']);
  });

  it('rollback after the old definition was deleted recreates it from the saved copy, same name, fields and tags', async () => {
    const { original, tags } = seed();
    const { plan } = await planFor();
    const state = emptyExecutionState();
    const ctxExec = execContext(state, async () => undefined);
    expect((await executePlan(ctxExec, plan)).status).toBe('succeeded');
    expect(definitions().map((d) => d.name)).toEqual(['dq-def-secure']);
    const rollback = await rollBack(ctxExec, plan);
    expect(rollback.error).toBeUndefined();
    expect(rollback.done[0]).toContain('recreated dq-def from its saved copy');
    expect(definitions().map((d) => d.name)).toEqual(['dq-def']);
    expectConsistent(original, tags, 'dq-def');
  });
});
