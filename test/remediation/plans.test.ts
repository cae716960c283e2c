import { DescribeNotebookInstanceCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsStandin } from '../support/aws-standin/index.js';
import {
  ACCOUNT,
  CHANNEL,
  MUTATING,
  REGION,
  auditStatus,
  closeStandins,
  createCtxWithWorker,
  remediate,
  resetAws,
  seedAppImageConfig,
  seedDefinitionWithSchedules,
  seedEmbeddedSchedule,
  seedEndpointConfig,
  seedNotebook,
  startStandins,
  threadTexts,
  trailOf,
} from './harness.js';
import type { Ctx, Slack } from './harness.js';

let aws: AwsStandin;
let slack: Slack;
let ctx: Ctx;

beforeAll(async () => {
  ({ aws, slack } = await startStandins(40));
});
afterAll(() => closeStandins({ aws, slack }));
beforeEach(async () => {
  resetAws(aws, 40);
  ctx = await createCtxWithWorker(aws, slack);
});
afterEach(async () => {
  await ctx.close();
});

const region = () => aws.region(ACCOUNT, REGION);
const stored = (kind: Parameters<ReturnType<typeof region>['table']>[0], name: string) => region().table(kind).get(kind === 'notebook-instance' || kind === 'endpoint-config' ? name.toLowerCase() : name);

async function waitNotebook(name: string, status: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const d = aws.invoke('DescribeNotebookInstance', { NotebookInstanceName: name }, { accountId: ACCOUNT, region: REGION });
    if (d.NotebookInstanceStatus === status) return;
    if (Date.now() > deadline) throw new Error(`notebook ${name} never ${status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('notebook plans (SageMaker.3, .8)', () => {
  it('InService notebook: stop, update RootAccess, start again; PASSED on a fresh read; one progress message updated in place', async () => {
    seedNotebook(aws, 'nb-live');
    await waitNotebook('nb-live', 'InService');
    const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.3', resource: 'nb-live' });

    expect(finished.state).toBe('completed');
    expect(finished.returnvalue).toMatchObject({ status: 'succeeded' });
    expect(aws.callCount('StopNotebookInstance')).toBe(1);
    expect(aws.callCount('UpdateNotebookInstance')).toBe(1);
    expect(aws.callCount('StartNotebookInstance')).toBe(1);
    const update = aws.calls.find((c) => c.operation === 'UpdateNotebookInstance')!;
    expect(update.input).toEqual({ NotebookInstanceName: 'nb-live', RootAccess: 'Disabled' });
    await waitNotebook('nb-live', 'InService');
    expect(await auditStatus(ctx, 'SageMaker.3', 'nb-live')).toBe('PASSED');

    // Proposal final state, trail, and Slack: one progress message (posted once, updated in place) + one result.
    const state = (await ctx.proposals.get(proposal.id))!.state;
    expect(state.status).toBe('succeeded');
    const trail = await trailOf(ctx, proposal.id);
    expect(trail.filter((e) => e.type === 'step-finished')).toHaveLength(5);
    expect(trail.at(-1)).toMatchObject({ type: 'succeeded', actor: 'worker' });
    const posts = slack.standin.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === proposal.slack.threadTs);
    expect(posts).toHaveLength(3); // proposal + progress + result
    const progressTs = slack.standin.thread(CHANNEL, proposal.slack.threadTs)[1]!.ts;
    const updates = slack.standin.callsTo('chat.update').filter((c) => c.args.ts === progressTs);
    expect(updates.length).toBeGreaterThanOrEqual(10); // each of 5 steps starts and ends
    const texts = threadTexts(ctx, proposal);
    expect(texts[1]).toContain('✅');
    expect(texts[2]).toContain('PASSES on a fresh read');
    // The proposal message itself shows the final state.
    const proposalUpdate = slack.standin.callsTo('chat.update').filter((c) => c.args.ts === proposal.slack.messageTs).at(-1)!;
    expect(JSON.stringify(proposalUpdate.args.blocks)).toContain('Fixed');
  });

  it('Stopped notebook: updated and left stopped (no stop, no start)', async () => {
    seedNotebook(aws, 'nb-off');
    await waitNotebook('nb-off', 'InService');
    aws.forceStatus(ACCOUNT, REGION, 'notebook-instance', 'nb-off', 'Stopped');
    const { finished } = await remediate(ctx, { controlId: 'SageMaker.3', resource: 'nb-off' });
    expect(finished.state).toBe('completed');
    expect(aws.callCount('StopNotebookInstance')).toBe(0);
    expect(aws.callCount('UpdateNotebookInstance')).toBe(1);
    expect(aws.callCount('StartNotebookInstance')).toBe(0);
    expect(stored('notebook-instance', 'nb-off')!.status).toBe('Stopped');
    expect(await auditStatus(ctx, 'SageMaker.3', 'nb-off')).toBe('PASSED');
  });

  it('AL2 notebook: RootAccess and PlatformIdentifier change in the same UpdateNotebookInstance', async () => {
    seedNotebook(aws, 'nb-al2', { platform: 'notebook-al2-v3' });
    await waitNotebook('nb-al2', 'InService');
    const { finished } = await remediate(ctx, { controlId: 'SageMaker.3', resource: 'nb-al2' });
    expect(finished.state).toBe('completed');
    const updates = aws.calls.filter((c) => c.operation === 'UpdateNotebookInstance');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.input).toEqual({ NotebookInstanceName: 'nb-al2', RootAccess: 'Disabled', PlatformIdentifier: 'notebook-al2023-v1' });
    const d = await ctx.services.aws.clients(ACCOUNT, REGION).sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'nb-al2' }));
    expect(d.PlatformIdentifier).toBe('notebook-al2023-v1');
    expect(await auditStatus(ctx, 'SageMaker.3', 'nb-al2')).toBe('PASSED');
    expect(await auditStatus(ctx, 'SageMaker.8', 'nb-al2')).toBe('PASSED');
  });

  it('SageMaker.8 result says Security Hub may keep the finding until its next periodic evaluation', async () => {
    seedNotebook(aws, 'nb-plat', { platform: 'notebook-al2-v2', rootAccess: 'Disabled' });
    await waitNotebook('nb-plat', 'InService');
    const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.8', resource: 'nb-plat' });
    expect(finished.state).toBe('completed');
    expect(threadTexts(ctx, proposal).at(-1)).toContain('next periodic evaluation');
  });
});

describe('job definition swap (SageMaker.11)', () => {
  it('creates the compliant copy, repoints both schedules, deletes the old; PASSED on the new definition', async () => {
    seedDefinitionWithSchedules(aws, 'dq-def', ['sched-a', 'sched-b']);
    const { finished } = await remediate(ctx, { controlId: 'SageMaker.11', resource: 'dq-def' });
    expect(finished.state, finished.failedReason).toBe('completed');

    expect(stored('data-quality-job-definition', 'dq-def')).toBeUndefined();
    const copy = stored('data-quality-job-definition', 'dq-def-secure')!;
    expect(copy.input.NetworkConfig).toMatchObject({ EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true, VpcConfig: { Subnets: ['subnet-1'] } });
    // Every field was copied.
    expect(copy.input.DataQualityAppSpecification).toEqual({ ImageUri: '123.dkr.ecr.eu-west-1.amazonaws.com/mm:latest', Environment: { MODE: 'strict' } });
    expect(copy.input.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
    expect(region().tags.get(copy.arn)).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'ml' }, { Key: 'env', Value: 'prod' }]));
    for (const s of ['sched-a', 'sched-b']) {
      const cfg = stored('monitoring-schedule', s)!.input.MonitoringScheduleConfig as Record<string, unknown>;
      expect(cfg).toEqual({ MonitoringJobDefinitionName: 'dq-def-secure', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } });
    }
    expect(aws.callCount('UpdateMonitoringSchedule')).toBe(2);
    expect(aws.callCount('DeleteDataQualityJobDefinition')).toBe(1);
    expect(await auditStatus(ctx, 'SageMaker.11', 'dq-def-secure')).toBe('PASSED');
  });
});

describe('one proposal per resource: one plan for every failing control', () => {
  it('a notebook failing SageMaker.3 and .8 is fixed with exactly one Stop, one Update and one Start; both verified', async () => {
    seedNotebook(aws, 'nb-both', { platform: 'notebook-al2-v3' });
    await waitNotebook('nb-both', 'InService');
    const { proposal, finished } = await remediate(ctx, { controls: ['SageMaker.3', 'SageMaker.8'], resource: 'nb-both' });
    expect(proposal.plan.verify.controlIds).toEqual(['SageMaker.3', 'SageMaker.8']);
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(finished.returnvalue).toMatchObject({ status: 'succeeded' });
    expect([aws.callCount('StopNotebookInstance'), aws.callCount('UpdateNotebookInstance'), aws.callCount('StartNotebookInstance')]).toEqual([1, 1, 1]);
    expect(aws.calls.find((c) => c.operation === 'UpdateNotebookInstance')!.input).toEqual({ NotebookInstanceName: 'nb-both', RootAccess: 'Disabled', PlatformIdentifier: 'notebook-al2023-v1' });
    const note = (await ctx.proposals.get(proposal.id))!.state.note!;
    expect(note).toContain('SageMaker.3: ');
    expect(note).toContain('SageMaker.8: ');
    await waitNotebook('nb-both', 'InService');
    expect(await auditStatus(ctx, 'SageMaker.3', 'nb-both')).toBe('PASSED');
    expect(await auditStatus(ctx, 'SageMaker.8', 'nb-both')).toBe('PASSED');
  });

  it('a definition failing SageMaker.9 and .11 is swapped once; both verified on the copy', async () => {
    seedDefinitionWithSchedules(aws, 'dq-both', ['sched-both']);
    const { proposal, finished } = await remediate(ctx, { controls: ['SageMaker.9', 'SageMaker.11'], resource: 'dq-both' });
    expect(proposal.plan.verify).toEqual({ controlIds: ['SageMaker.9', 'SageMaker.11'], resourceName: 'dq-both-secure' });
    expect(finished.state, finished.failedReason).toBe('completed');
    expect([aws.callCount('CreateDataQualityJobDefinition'), aws.callCount('UpdateMonitoringSchedule'), aws.callCount('DeleteDataQualityJobDefinition')]).toEqual([1, 1, 1]);
    expect(await auditStatus(ctx, 'SageMaker.9', 'dq-both-secure')).toBe('PASSED');
    expect(await auditStatus(ctx, 'SageMaker.11', 'dq-both-secure')).toBe('PASSED');
  });
});

describe('schedule, tags, endpoint config', () => {
  it('SageMaker.14: UpdateMonitoringSchedule keeps the whole config and turns isolation on', async () => {
    seedEmbeddedSchedule(aws, 'sched-embedded');
    await new Promise((r) => setTimeout(r, 60));
    const before = structuredClone(stored('monitoring-schedule', 'sched-embedded')!.input.MonitoringScheduleConfig) as Record<string, Record<string, unknown>>;
    const { finished } = await remediate(ctx, { controlId: 'SageMaker.14', resource: 'sched-embedded' });
    expect(finished.state, finished.failedReason).toBe('completed');
    const after = stored('monitoring-schedule', 'sched-embedded')!.input.MonitoringScheduleConfig as Record<string, Record<string, unknown>>;
    const expected = structuredClone(before);
    (expected.MonitoringJobDefinition!.NetworkConfig as Record<string, unknown>).EnableNetworkIsolation = true;
    expect(after).toEqual(expected);
    expect(await auditStatus(ctx, 'SageMaker.14', 'sched-embedded')).toBe('PASSED');
  });

  it('SageMaker.6: AddTags with only the missing keys', async () => {
    const arn = seedAppImageConfig(aws, 'aic-1', { owner: 'data-team' });
    const { finished } = await remediate(ctx, { controlId: 'SageMaker.6', resource: 'aic-1' });
    expect(finished.state, finished.failedReason).toBe('completed');
    const add = aws.calls.filter((c) => c.operation === 'AddTags');
    expect(add).toHaveLength(1);
    expect(add[0]!.input).toEqual({ ResourceArn: arn, Tags: [{ Key: 'cost-center', Value: 'cc-42' }] });
    expect(region().tags.get(arn)).toEqual(expect.arrayContaining([{ Key: 'owner', Value: 'data-team' }, { Key: 'cost-center', Value: 'cc-42' }]));
    expect(await auditStatus(ctx, 'SageMaker.6', 'aic-1')).toBe('PASSED');
  });

  it('SageMaker.4: copy with InitialInstanceCount 2, UpdateEndpoint, wait InService, delete the old config', async () => {
    seedEndpointConfig(aws, 'epc-1', ['ep-a', 'ep-b']);
    await new Promise((r) => setTimeout(r, 80));
    const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.4', resource: 'epc-1' });
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(stored('endpoint-config', 'epc-1')).toBeUndefined();
    const copy = stored('endpoint-config', 'epc-1-secure')!;
    expect((copy.input.ProductionVariants as Array<Record<string, unknown>>)[0]).toMatchObject({ VariantName: 'main', InitialInstanceCount: 2, InstanceType: 'ml.m5.large' });
    expect(copy.input.DataCaptureConfig).toMatchObject({ EnableCapture: true, InitialSamplingPercentage: 10 });
    for (const e of ['ep-a', 'ep-b']) {
      const ep = region().table('endpoint').get(e)!;
      expect(ep.input.EndpointConfigName).toBe('epc-1-secure');
      expect(ep.status).toBe('InService');
    }
    expect(aws.callCount('UpdateEndpoint')).toBe(2);
    expect(aws.callCount('DeleteEndpointConfig')).toBe(1);
    expect(await auditStatus(ctx, 'SageMaker.4', 'epc-1-secure')).toBe('PASSED');
    // The old config's copy stays in the job; periodic control note in the result.
    const job = await ctx.queue.getJob(`remediate-${proposal.id}`);
    expect(Object.keys((job!.data as unknown as { execution: { state: { savedCopies: object } } }).execution.state.savedCopies)).toContain('endpoint-config/epc-1');
    expect(threadTexts(ctx, proposal).at(-1)).toContain('next periodic evaluation');
  });
});

describe('dry run', () => {
  it('reads and checks everything, reports the calls it would make, and makes no mutating call', async () => {
    seedNotebook(aws, 'nb-dry', { platform: 'notebook-al2-v3' });
    await waitNotebook('nb-dry', 'InService');
    seedDefinitionWithSchedules(aws, 'dq-dry', ['s-dry']);
    const nb = await remediate(ctx, { controlId: 'SageMaker.3', resource: 'nb-dry', dryRun: true });
    const jd = await remediate(ctx, { controlId: 'SageMaker.11', resource: 'dq-dry', dryRun: true });
    for (const op of MUTATING) expect(aws.callCount(op), op).toBe(0);
    expect(nb.finished.returnvalue).toMatchObject({ status: 'dry-run' });
    expect(jd.finished.returnvalue).toMatchObject({ status: 'dry-run' });
    const nbText = threadTexts(ctx, nb.proposal).join('\n');
    expect(nbText).toContain('would call UpdateNotebookInstance {RootAccess: Disabled, PlatformIdentifier: notebook-al2023-v1}');
    expect(nbText).toContain('would call StopNotebookInstance');
    expect(nbText).toContain('DRY RUN');
    const jdText = threadTexts(ctx, jd.proposal).join('\n');
    expect(jdText).toContain('would call CreateDataQualityJobDefinition');
    expect(jdText).toContain('would call UpdateMonitoringSchedule');
    expect(jdText).toContain('would call DeleteDataQualityJobDefinition');
    expect(stored('notebook-instance', 'nb-dry')!.status).toBe('InService');
    expect(await auditStatus(ctx, 'SageMaker.3', 'nb-dry')).toBe('FAILED');
  });
});
