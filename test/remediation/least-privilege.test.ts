/**
 * Every automated plan end to end against the AWS stand-in ENFORCING the generated policies: the audit role (read-only)
 * makes every read of the audit, the remediation role makes the fix's calls as the approver, and CloudTrail in the
 * member account names the approver on each of them. A plan that needed an action the generated policy lacks would
 * fail here, not at a customer.
 */
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROLE_NAMES, iamPolicy, trustPolicy } from '../../src/iam/policy.js';
import { CONTROLS } from '../../src/controls/index.js';
import { JOB_DEFINITIONS } from '../../src/aws/kinds/index.js';
import type { JobDefinitionKind } from '../../src/aws/resources.js';
import type { Proposal } from '../../src/remediation/proposals.js';
import type { AwsStandin, CloudTrailRecord, PolicyDocument } from '../support/aws-standin/index.js';
import {
  ACCOUNT,
  AT,
  APPROVER,
  EXTERNAL_ID,
  HUB_PRINCIPAL,
  REGION,
  ROLE_ARN,
  auditRoleArn,
  auditStatus,
  closeStandins,
  createCtx,
  installRoles,
  remediate,
  remediationPolicyWithout,
  remediationRoleArn,
  resetAws,
  seedAppImageConfig,
  seedEmbeddedSchedule,
  startStandins,
  startWorker,
  threadTexts,
  until,
} from './harness.js';
import type { Ctx, Slack } from './harness.js';

let aws: AwsStandin;
let slack: Slack;
let ctx: Ctx;
let since = 0;

const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

beforeAll(async () => {
  ({ aws, slack } = await startStandins(30));
});
afterAll(() => closeStandins({ aws, slack }));
beforeEach(() => {
  resetAws(aws, 30);
  since = aws.cloudTrail().length;
});
afterEach(async () => {
  await ctx?.close();
  installRoles(aws, ACCOUNT);
});

async function withWorker(env: Record<string, string> = {}, logger?: Parameters<typeof createCtx>[4]): Promise<Ctx> {
  ctx = await createCtx(aws, slack, env, 'lp', logger);
  await startWorker(ctx);
  return ctx;
}

/** SageMaker calls in the member account since the test began. */
const sagemakerRecords = (): CloudTrailRecord[] =>
  aws.cloudTrail({ eventSource: 'sagemaker.amazonaws.com', accountId: ACCOUNT }).filter((r) => aws.cloudTrail().indexOf(r) >= since);

const issuer = (r: CloudTrailRecord): string | undefined => (r.userIdentity.sessionContext as { sessionIssuer?: { arn?: string } } | undefined)?.sessionIssuer?.arn;

/**
 * The duties are separate: only the two member roles called SageMaker; the audit role only read; every write was made
 * by the fix's own session, named after the approver and the proposal, with the approver as source identity.
 */
function expectSeparateDuties(proposal: Proposal): void {
  const records = sagemakerRecords();
  // A Describe before a Create answers "not found" by design; nothing may be denied, no write may fail.
  expect(records.filter((r) => r.errorCode !== undefined && (!r.readOnly || /AccessDenied/.test(r.errorCode))).map((r) => `${r.eventName} ${r.errorCode}`)).toEqual([]);
  const audit = records.filter((r) => issuer(r) === auditRoleArn(ACCOUNT));
  const fix = records.filter((r) => issuer(r) === remediationRoleArn(ACCOUNT));
  expect(audit.length + fix.length).toBe(records.length);
  expect(audit.length).toBeGreaterThan(0);
  expect(audit.filter((r) => !r.readOnly).map((r) => r.eventName)).toEqual([]);
  const writes = records.filter((r) => !r.readOnly);
  expect(writes.length).toBeGreaterThan(0);
  for (const w of writes) {
    expect(w.userIdentity, w.eventName).toMatchObject({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${DEFAULT_ROLE_NAMES.remediation}/${APPROVER}-${proposal.id}`,
      sessionContext: { sourceIdentity: APPROVER },
    });
  }
}

function seedNotebookWithKey(name: string): void {
  aws.invoke(
    'CreateNotebookInstance',
    { NotebookInstanceName: name, InstanceType: 'ml.t3.medium', RoleArn: ROLE_ARN(ACCOUNT), RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2-v3', KmsKeyId: KEY, Tags: [{ Key: 'team', Value: 'ml' }] },
    AT,
  );
}

/** A job definition of `kind` with both network flags off, a KMS key on its outputs and volumes, tags, and one schedule on it. */
function seedJobDefinition(kind: JobDefinitionKind, name: string): void {
  const { monitoringType: family, create } = JOB_DEFINITIONS[kind];
  aws.invoke(
    create.operation,
    {
      JobDefinitionName: name,
      [`${family}AppSpecification`]: { ImageUri: '123.dkr.ecr.eu-west-1.amazonaws.com/mm:latest' },
      [`${family}JobInput`]: { EndpointInput: { EndpointName: 'ep-1', LocalPath: '/opt/ml/processing/input' } },
      [`${family}JobOutputConfig`]: { MonitoringOutputs: [{ S3Output: { S3Uri: 's3://bucket/out', LocalPath: '/opt/ml/processing/output' } }], KmsKeyId: KEY },
      JobResources: { ClusterConfig: { InstanceCount: 2, InstanceType: 'ml.m5.large', VolumeSizeInGB: 20, VolumeKmsKeyId: KEY } },
      NetworkConfig: { EnableNetworkIsolation: false, EnableInterContainerTrafficEncryption: false },
      RoleArn: ROLE_ARN(ACCOUNT),
      Tags: [{ Key: 'team', Value: 'ml' }],
    },
    AT,
  );
  aws.invoke('CreateMonitoringSchedule', { MonitoringScheduleName: `${name}-sched`, MonitoringScheduleConfig: { MonitoringJobDefinitionName: name, MonitoringType: family, ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } }, AT);
}

/** An endpoint config with a KMS key and an execution role, instance count 1, and one endpoint on it (SageMaker.4). */
function seedEndpointConfigWithKey(name: string): void {
  aws.invoke('CreateModel', { ModelName: `${name}-model`, PrimaryContainer: { Image: 'img' }, ExecutionRoleArn: ROLE_ARN(ACCOUNT) }, AT);
  aws.invoke(
    'CreateEndpointConfig',
    {
      EndpointConfigName: name,
      ProductionVariants: [{ VariantName: 'main', ModelName: `${name}-model`, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
      KmsKeyId: KEY,
      ExecutionRoleArn: ROLE_ARN(ACCOUNT),
      Tags: [{ Key: 'team', Value: 'ml' }],
    },
    AT,
  );
  aws.invoke('CreateEndpoint', { EndpointName: `${name}-ep`, EndpointConfigName: name }, AT);
}

async function settled(kind: 'notebook-instance' | 'endpoint' | 'monitoring-schedule', name: string, status: string): Promise<void> {
  const describe = { 'notebook-instance': ['DescribeNotebookInstance', 'NotebookInstanceName', 'NotebookInstanceStatus'], endpoint: ['DescribeEndpoint', 'EndpointName', 'EndpointStatus'], 'monitoring-schedule': ['DescribeMonitoringSchedule', 'MonitoringScheduleName', 'MonitoringScheduleStatus'] }[kind];
  await until(() => aws.invoke(describe[0]!, { [describe[1]!]: name }, AT)[describe[2]!] === status, 5000, `${name} ${status}`);
}

/** Seeds a resource that fails `controlId` and returns its name. */
async function seedFailing(controlId: string): Promise<string> {
  const kind = CONTROLS.find((c) => c.metadata.id === controlId)!.metadata.resourceKind;
  const name = `lp-${controlId.split('.')[1]}`;
  switch (kind) {
    case 'notebook-instance':
      seedNotebookWithKey(name);
      await settled('notebook-instance', name, 'InService');
      return name;
    case 'endpoint-config':
      seedEndpointConfigWithKey(name);
      await settled('endpoint', `${name}-ep`, 'InService');
      return name;
    case 'monitoring-schedule':
      seedEmbeddedSchedule(aws, name);
      await settled('monitoring-schedule', name, 'Scheduled');
      return name;
    case 'app-image-config':
      seedAppImageConfig(aws, name);
      return name;
    case 'image':
      aws.invoke('CreateImage', { ImageName: name, RoleArn: ROLE_ARN(ACCOUNT) }, AT);
      return name;
    default:
      seedJobDefinition(kind as JobDefinitionKind, name);
      return name;
  }
}

const AUTOMATED = CONTROLS.filter((c) => c.metadata.remediation !== 'manual').map((c) => c.metadata.id);

describe('every automated plan under the generated least-privilege policies', () => {
  it('covers every control the bot fixes', () => {
    expect(AUTOMATED).toEqual(['SageMaker.3', 'SageMaker.4', 'SageMaker.6', 'SageMaker.7', 'SageMaker.8', 'SageMaker.9', 'SageMaker.10', 'SageMaker.11', 'SageMaker.12', 'SageMaker.13', 'SageMaker.14', 'SageMaker.15', 'SageMaker.20', 'SageMaker.25']);
  });

  it.each(AUTOMATED)('%s: the audit role reads, the remediation role fixes as the approver, PASSED on a fresh read', async (controlId) => {
    await withWorker();
    const name = await seedFailing(controlId);
    const { proposal, finished } = await remediate(ctx, { controlId, resource: name });
    expect(finished.state, finished.failedReason).toBe('completed');
    expect(finished.returnvalue).toMatchObject({ status: 'succeeded' });
    expect(await auditStatus(ctx, controlId, proposal.plan.verify.resourceName ?? name)).toBe('PASSED');
    expectSeparateDuties(proposal);
  });
});

describe('the approver in CloudTrail', () => {
  it('the fix assumes the remediation role as the approver (session name, source identity, external id), and the thread says how to find it', async () => {
    await withWorker();
    await seedFailing('SageMaker.3');
    const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.3', resource: 'lp-3' });
    expect(finished.state, finished.failedReason).toBe('completed');

    const assumed = aws.cloudTrail({ eventName: 'AssumeRole' }).filter((r) => r.requestParameters?.roleArn === remediationRoleArn(ACCOUNT) && aws.cloudTrail().indexOf(r) >= since);
    expect(assumed).toHaveLength(1);
    expect(assumed[0]!.requestParameters).toMatchObject({ roleSessionName: `${APPROVER}-${proposal.id}`, sourceIdentity: APPROVER, externalId: EXTERNAL_ID });
    expect(assumed[0]!.userIdentity.arn).toBe(`arn:aws:iam::123456789012:user/standin`);

    const update = sagemakerRecords().find((r) => r.eventName === 'UpdateNotebookInstance')!;
    expect(update.userIdentity.sessionContext).toMatchObject({ sourceIdentity: APPROVER, sessionIssuer: { arn: remediationRoleArn(ACCOUNT) } });
    // The audit never assumed the remediation role: every read before the approval was the audit role's.
    const auditSessions = aws.cloudTrail({ eventName: 'AssumeRole' }).filter((r) => aws.cloudTrail().indexOf(r) >= since && r.requestParameters?.roleArn === auditRoleArn(ACCOUNT));
    expect(auditSessions.every((r) => r.requestParameters?.roleSessionName === 'sagemaker-audit' && r.requestParameters.sourceIdentity === undefined)).toBe(true);

    const progress = threadTexts(ctx, proposal)[1]!;
    expect(progress).toContain(`session \`${APPROVER}-${proposal.id}\``);
    expect(progress).toContain(`source identity \`${APPROVER}\``);
  });

  it('the remediation role cannot be assumed without a source identity: no anonymous fix', async () => {
    await withWorker();
    const factory = ctx.services.aws.factory;
    const anonymous = factory.assumeRole(remediationRoleArn(ACCOUNT), REGION, { sessionName: 'anonymous', externalId: EXTERNAL_ID });
    await expect(anonymous()).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('sts:AssumeRole') });
    const withoutExternalId = factory.assumeRole(remediationRoleArn(ACCOUNT), REGION, { sessionName: 'fix', sourceIdentity: APPROVER });
    await expect(withoutExternalId()).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('a remediation role that does not trust the app (another external id) stops the fix before any step, naming the role', async () => {
    await withWorker();
    aws.setRole(remediationRoleArn(ACCOUNT), {
      trustPolicy: trustPolicy('remediation', HUB_PRINCIPAL, 'another-external-id') as unknown as PolicyDocument,
      policy: iamPolicy('remediation', { account: ACCOUNT }) as unknown as PolicyDocument,
    });
    await seedFailing('SageMaker.6');
    const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.6', resource: 'lp-6' });
    expect(finished.state).toBe('failed');
    expect(finished.failedReason).toContain(`assuming ${remediationRoleArn(ACCOUNT)}`);
    expect(aws.callCount('AddTags')).toBe(0);
    const result = threadTexts(ctx, proposal).at(-1)!;
    expect(result).toContain('stopped before changing anything');
    expect(result).toContain('trust policy');
  });
});

describe('a permission missing from the remediation role', () => {
  const cases: Array<{ controlId: string; action: string; unchanged: () => void }> = [
    {
      controlId: 'SageMaker.3',
      action: 'sagemaker:UpdateNotebookInstance',
      unchanged: () => expect(aws.invoke('DescribeNotebookInstance', { NotebookInstanceName: 'lp-3' }, AT)).toMatchObject({ RootAccess: 'Enabled' }),
    },
    {
      controlId: 'SageMaker.11',
      action: 'sagemaker:UpdateMonitoringSchedule',
      unchanged: () => {
        expect(aws.region(ACCOUNT, REGION).table('data-quality-job-definition').get('lp-11-secure')).toBeUndefined();
        expect((aws.region(ACCOUNT, REGION).table('monitoring-schedule').get('lp-11-sched')!.input.MonitoringScheduleConfig as { MonitoringJobDefinitionName: string }).MonitoringJobDefinitionName).toBe('lp-11');
      },
    },
    {
      controlId: 'SageMaker.4',
      action: 'kms:CreateGrant',
      unchanged: () => {
        expect(aws.region(ACCOUNT, REGION).table('endpoint-config').get('lp-4-secure')).toBeUndefined();
        expect(aws.invoke('DescribeEndpoint', { EndpointName: 'lp-4-ep' }, AT)).toMatchObject({ EndpointConfigName: 'lp-4' });
      },
    },
    {
      controlId: 'SageMaker.14',
      action: 'iam:PassRole',
      unchanged: () =>
        expect(
          (aws.region(ACCOUNT, REGION).table('monitoring-schedule').get('lp-14')!.input.MonitoringScheduleConfig as { MonitoringJobDefinition: { NetworkConfig: object } }).MonitoringJobDefinition.NetworkConfig,
        ).toMatchObject({ EnableNetworkIsolation: false }),
    },
  ];

  it.each(cases)('$controlId without $action: AccessDenied, rolled back, and the thread names the permission', async ({ controlId, action, unchanged }) => {
    await withWorker();
    installRoles(aws, ACCOUNT, { remediation: remediationPolicyWithout(ACCOUNT, action) });
    const name = await seedFailing(controlId);
    const { proposal, finished } = await remediate(ctx, { controlId, resource: name });
    expect(finished.state).toBe('failed');
    expect(finished.failedReason).toMatch(/AccessDenied/);
    const denied = sagemakerRecords().filter((r) => r.errorCode === 'AccessDeniedException');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((r) => r.errorMessage!.includes(action))).toBe(true);
    if (controlId === 'SageMaker.3') await settled('notebook-instance', name, 'InService');
    unchanged();
    const result = threadTexts(ctx, proposal).at(-1)!;
    expect(result).toContain('AccessDenied');
    expect(result).toContain(`Give the remediation role ${action} on`);
    if (controlId === 'SageMaker.14') expect(result).toContain('nothing needed undoing');
    else expect(result).toContain('Rolled back:');
  });
});

describe('without REMEDIATION_ROLE', () => {
  it('says so at start-up, and fixes run with the audit role: read-only, they stop at the first write', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) }) as unknown as Parameters<typeof createCtx>[4];
    await withWorker({ REMEDIATION_ROLE: '' }, logger);
    expect(lines.some((l) => l.includes('NO_REMEDIATION_ROLE') && l.includes('REMEDIATION_ROLE is not set'))).toBe(true);
    await seedFailing('SageMaker.6');
    const { proposal, finished } = await remediate(ctx, { controlId: 'SageMaker.6', resource: 'lp-6' });
    expect(finished.state).toBe('failed');
    const denied = sagemakerRecords().find((r) => r.eventName === 'AddTags')!;
    expect(denied).toMatchObject({ errorCode: 'AccessDeniedException', userIdentity: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${DEFAULT_ROLE_NAMES.audit}/sagemaker-audit` } });
    expect(threadTexts(ctx, proposal)[1]).toContain('runs with the audit role');
  });

  it('with the `all` policy on the audit role, fixes run as the audit role, without an approver in CloudTrail', async () => {
    await withWorker({ REMEDIATION_ROLE: '' });
    installRoles(aws, ACCOUNT, { audit: 'all' });
    await seedFailing('SageMaker.6');
    const { finished } = await remediate(ctx, { controlId: 'SageMaker.6', resource: 'lp-6' });
    expect(finished.state, finished.failedReason).toBe('completed');
    const add = sagemakerRecords().find((r) => r.eventName === 'AddTags')!;
    expect(add.errorCode).toBeUndefined();
    expect(issuer(add)).toBe(auditRoleArn(ACCOUNT));
    expect(add.userIdentity.sessionContext).not.toHaveProperty('sourceIdentity');
  });
});
