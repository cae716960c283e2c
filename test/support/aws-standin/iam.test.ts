import {
  CreateDataQualityJobDefinitionCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateMonitoringScheduleCommand,
  CreateModelCommand,
  DeleteModelCommand,
  DeleteNotebookInstanceCommand,
  DescribeNotebookInstanceCommand,
  ListModelsCommand,
  SageMakerClient,
  StartNotebookInstanceCommand,
  StopNotebookInstanceCommand,
  UpdateEndpointCommand,
  UpdateNotebookInstanceCommand,
} from '@aws-sdk/client-sagemaker';
import { BatchUpdateFindingsCommand, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin, PolicyDocument } from './index.js';
import { startAwsStandin } from './index.js';

const HUB = '111111111111';
const MEMBER = '222222222222';
const HUB_ROLE = `arn:aws:iam::${HUB}:role/Hub`;
const REMEDIATION_ROLE = `arn:aws:iam::${MEMBER}:role/Remediation`;
const EXECUTION_ROLE = `arn:aws:iam::${MEMBER}:role/SageMakerExecution`;
const OTHER_ROLE = `arn:aws:iam::${MEMBER}:role/Other`;
const base = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' };
type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

let standin: AwsStandin;
const caught = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);
const sts = (credentials: Creds): STSClient => new STSClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1 });
const sm = (credentials: Creds): SageMakerClient => new SageMakerClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1 });
const sh = (credentials: Creds): SecurityHubClient => new SecurityHubClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1 });

async function assume(credentials: Creds, input: AssumeRoleCommandInput): Promise<Creds & { sourceIdentity?: string }> {
  const out = await sts(credentials).send(new AssumeRoleCommand(input));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!, sourceIdentity: out.SourceIdentity };
}

const hubTrust: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: HUB }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }] };
const hubPolicy: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'], Resource: 'arn:aws:iam::*:role/Remediation' }] };
const remediationTrust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: HUB_ROLE },
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      Condition: { StringEquals: { 'sts:ExternalId': 'ext-123' }, StringLike: { 'sts:SourceIdentity': 'U*' } },
    },
  ],
};
const remediationPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['sagemaker:Describe*', 'sagemaker:List*'], Resource: '*' },
    { Effect: 'Allow', Action: ['sagemaker:StopNotebookInstance', 'sagemaker:UpdateNotebookInstance', 'sagemaker:StartNotebookInstance'], Resource: `arn:aws:sagemaker:*:${MEMBER}:notebook-instance/*` },
    { Effect: 'Allow', Action: 'sagemaker:CreateModel', Resource: `arn:aws:sagemaker:*:${MEMBER}:model/*` },
    { Effect: 'Allow', Action: 'iam:PassRole', Resource: EXECUTION_ROLE, Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
    { Effect: 'Allow', Action: 'sagemaker:AddTags', Resource: '*', Condition: { StringEquals: { 'sagemaker:TaggingAction': 'CreateModel' } } },
    { Effect: 'Allow', Action: 'securityhub:GetFindings', Resource: '*' },
    { Effect: 'Deny', Action: 'sagemaker:Delete*', Resource: '*' },
  ],
};

beforeAll(async () => {
  standin = await startAwsStandin({ enforceIam: true, transitionDelayMs: 0 });
  standin.setRole(HUB_ROLE, { trustPolicy: hubTrust, policy: hubPolicy });
  standin.setRole(REMEDIATION_ROLE, { trustPolicy: remediationTrust, policy: remediationPolicy });
});
afterAll(async () => {
  await standin.close();
});
afterEach(() => {
  standin.enforceIam = true;
});

/** Base user -> Hub (sets the source identity) -> Remediation in the member account. */
async function remediationSession(session = 'U0001-fix'): Promise<Creds> {
  const hub = await assume(base, { RoleArn: HUB_ROLE, RoleSessionName: 'bot', SourceIdentity: 'U0001' });
  return assume(hub, { RoleArn: REMEDIATION_ROLE, RoleSessionName: session, ExternalId: 'ext-123' });
}

describe('STS AssumeRole validation', () => {
  const validationMessage = async (input: AssumeRoleCommandInput): Promise<unknown> => caught(sts(base).send(new AssumeRoleCommand(input)));

  it('checks session name, external id, source identity and duration against the model, all at once', async () => {
    const one = await validationMessage({ RoleArn: HUB_ROLE, RoleSessionName: 'has space' });
    expect(one).toMatchObject({
      name: 'ValidationError',
      message: "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      $metadata: { httpStatusCode: 400 },
    });
    const many = await validationMessage({ RoleArn: HUB_ROLE, RoleSessionName: 'x'.repeat(65), DurationSeconds: 100, ExternalId: 'e', SourceIdentity: 'aws:admin' });
    expect((many as Error).message).toBe(
      '4 validation errors detected: ' +
        [
          `Value '${'x'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
          "Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
          "Value 'e' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2",
          "Value 'aws:admin' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        ].join('; '),
    );
    expect(await validationMessage({ RoleArn: 'arn:aws:iam::1:role/x', RoleSessionName: 'ok' })).toMatchObject({ name: 'ValidationError', message: 'arn:aws:iam::1:role/x is invalid' });
  });

  it('accepts the full character sets (external id may contain : and /)', async () => {
    const out = await sts(base).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${HUB}:role/Free`, RoleSessionName: 'a+b=c,d.e@f-g_h', ExternalId: 'urn:x/y@z', SourceIdentity: 'U1.a@b' }));
    expect(out.SourceIdentity).toBe('U1.a@b');
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${HUB}:assumed-role/Free/a+b=c,d.e@f-g_h`);
  });

  it("caps durations at the role's maximum, and role chaining at one hour", async () => {
    const tooLong = await caught(sts(base).send(new AssumeRoleCommand({ RoleArn: HUB_ROLE, RoleSessionName: 'bot', SourceIdentity: 'U1', DurationSeconds: 7200 })));
    expect(tooLong).toMatchObject({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
    const hub = await assume(base, { RoleArn: HUB_ROLE, RoleSessionName: 'bot', SourceIdentity: 'U1', DurationSeconds: 3600 });
    const chained = await caught(sts(hub).send(new AssumeRoleCommand({ RoleArn: REMEDIATION_ROLE, RoleSessionName: 'fix', ExternalId: 'ext-123', DurationSeconds: 3601 })));
    expect(chained).toMatchObject({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' });
  });
});

describe('trust policies and source identity', () => {
  it('source identity persists through role chaining and shows in the session', async () => {
    const hub = await assume(base, { RoleArn: HUB_ROLE, RoleSessionName: 'bot', SourceIdentity: 'U0001' });
    expect(hub.sourceIdentity).toBe('U0001');
    const member = await assume(hub, { RoleArn: REMEDIATION_ROLE, RoleSessionName: 'U0001-fix', ExternalId: 'ext-123' });
    expect(member.sourceIdentity).toBe('U0001');
    const me = await sts(member).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: MEMBER, Arn: `arn:aws:sts::${MEMBER}:assumed-role/Remediation/U0001-fix` });
  });

  it('denies a principal the trust policy does not name, a wrong external id, or a changed source identity', async () => {
    const direct = await caught(sts(base).send(new AssumeRoleCommand({ RoleArn: REMEDIATION_ROLE, RoleSessionName: 'fix', ExternalId: 'ext-123', SourceIdentity: 'U1' })));
    expect(direct).toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${HUB}:user/standin is not authorized to perform: sts:AssumeRole on resource: ${REMEDIATION_ROLE}`,
      $metadata: { httpStatusCode: 403 },
    });
    const hub = await assume(base, { RoleArn: HUB_ROLE, RoleSessionName: 'bot', SourceIdentity: 'U0001' });
    const wrongId = await caught(sts(hub).send(new AssumeRoleCommand({ RoleArn: REMEDIATION_ROLE, RoleSessionName: 'fix', ExternalId: 'other' })));
    expect(wrongId).toMatchObject({ name: 'AccessDenied', message: `User: arn:aws:sts::${HUB}:assumed-role/Hub/bot is not authorized to perform: sts:AssumeRole on resource: ${REMEDIATION_ROLE}` });
    const changed = await caught(sts(hub).send(new AssumeRoleCommand({ RoleArn: REMEDIATION_ROLE, RoleSessionName: 'fix', ExternalId: 'ext-123', SourceIdentity: 'U0002' })));
    expect(changed).toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('sts:SetSourceIdentity') });
  });

  it('requires sts:SetSourceIdentity and sts:TagSession in the trust policy when used', async () => {
    standin.setRole(`arn:aws:iam::${HUB}:role/Plain`, { trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${HUB}:user/standin` }, Action: 'sts:AssumeRole' }] } });
    await assume(base, { RoleArn: `arn:aws:iam::${HUB}:role/Plain`, RoleSessionName: 'ok' });
    const withSource = await caught(sts(base).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${HUB}:role/Plain`, RoleSessionName: 'xx', SourceIdentity: 'U1' })));
    expect(withSource).toMatchObject({ name: 'AccessDenied', message: `User: arn:aws:iam::${HUB}:user/standin is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::${HUB}:role/Plain` });
    const hub = await assume(base, { RoleArn: HUB_ROLE, RoleSessionName: 'bot', SourceIdentity: 'U0001' });
    const tagged = await caught(sts(hub).send(new AssumeRoleCommand({ RoleArn: REMEDIATION_ROLE, RoleSessionName: 'fix', ExternalId: 'ext-123', Tags: [{ Key: 'ticket', Value: 'T-1' }] })));
    expect(tagged).toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('sts:TagSession') });
  });

  it('an explicit Deny in the trust policy wins and says so', async () => {
    const roleArn = `arn:aws:iam::${HUB}:role/Fenced`;
    standin.setRole(roleArn, {
      trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: HUB }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { Null: { 'sts:ExternalId': 'true' } } }] },
    });
    const denied = await caught(sts(base).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'xx' })));
    expect(denied).toMatchObject({ name: 'AccessDenied', message: `User: arn:aws:iam::${HUB}:user/standin is not authorized to perform: sts:AssumeRole on resource: ${roleArn} with an explicit deny in a resource-based policy` });
    await assume(base, { RoleArn: roleArn, RoleSessionName: 'xx', ExternalId: 'any-id' });
  });

  it("evaluates the caller's identity policy for sts:AssumeRole in enforcing mode", async () => {
    const hub = await assume(base, { RoleArn: HUB_ROLE, RoleSessionName: 'bot', SourceIdentity: 'U0001' });
    const elsewhere = await caught(sts(hub).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/Admin`, RoleSessionName: 'fix' })));
    expect(elsewhere).toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${HUB}:assumed-role/Hub/bot is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${MEMBER}:role/Admin because no identity-based policy allows the sts:AssumeRole action`,
    });
  });
});

describe('enforcing mode', () => {
  it('allows what the policy grants (wildcard actions) and answers AWS errors for the rest', async () => {
    standin.invoke('CreateNotebookInstance', { NotebookInstanceName: 'research', InstanceType: 'ml.t3.medium', RoleArn: EXECUTION_ROLE }, { accountId: MEMBER });
    const client = sm(await remediationSession());
    expect((await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'research' }))).NotebookInstanceStatus).toBe('InService');
    expect((await client.send(new ListModelsCommand({}))).Models).toEqual([]);
    await client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'research' }));

    const created = await caught(client.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'Cfg', ProductionVariants: [{ VariantName: 'v', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }] })));
    expect(created).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${MEMBER}:assumed-role/Remediation/U0001-fix is not authorized to perform: sagemaker:CreateEndpointConfig on resource: arn:aws:sagemaker:us-east-1:${MEMBER}:endpoint-config/cfg because no identity-based policy allows the sagemaker:CreateEndpointConfig action`,
      $metadata: { httpStatusCode: 400 },
    });
    const deleted = await caught(client.send(new DeleteNotebookInstanceCommand({ NotebookInstanceName: 'research' })));
    expect(deleted).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${MEMBER}:assumed-role/Remediation/U0001-fix is not authorized to perform: sagemaker:DeleteNotebookInstance on resource: arn:aws:sagemaker:us-east-1:${MEMBER}:notebook-instance/research with an explicit deny in an identity-based policy`,
    });
    // The denied call changed nothing.
    expect((await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'research' }))).NotebookInstanceStatus).toBe('Stopped');
  });

  it('requires iam:PassRole (to sagemaker.amazonaws.com) for roles in the request, including a notebook restarted with its role', async () => {
    const client = sm(await remediationSession());
    await client.send(new CreateModelCommand({ ModelName: 'ok-model', ExecutionRoleArn: EXECUTION_ROLE, PrimaryContainer: { Image: 'img' } }));
    const other = await caught(client.send(new CreateModelCommand({ ModelName: 'bad-model', ExecutionRoleArn: OTHER_ROLE, PrimaryContainer: { Image: 'img' } })));
    expect(other).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${MEMBER}:assumed-role/Remediation/U0001-fix is not authorized to perform: iam:PassRole on resource: ${OTHER_ROLE} because no identity-based policy allows the iam:PassRole action`,
    });
    standin.invoke('CreateNotebookInstance', { NotebookInstanceName: 'legacy', InstanceType: 'ml.t3.medium', RoleArn: OTHER_ROLE }, { accountId: MEMBER });
    standin.forceStatus(MEMBER, 'us-east-1', 'notebook-instance', 'legacy', 'Stopped');
    const start = await caught(client.send(new StartNotebookInstanceCommand({ NotebookInstanceName: 'legacy' })));
    expect(start).toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining(`iam:PassRole on resource: ${OTHER_ROLE}`) });
    // Moving the notebook to the allowed role is an update that passes that role.
    await client.send(new UpdateNotebookInstanceCommand({ NotebookInstanceName: 'legacy', RoleArn: EXECUTION_ROLE }));
  });

  it('requires sagemaker:AddTags (TaggingAction = the Create action) to tag on create; the resource ARN is lower-cased', async () => {
    const client = sm(await remediationSession());
    await client.send(new CreateModelCommand({ ModelName: 'Tagged', ExecutionRoleArn: EXECUTION_ROLE, PrimaryContainer: { Image: 'img' }, Tags: [{ Key: 'team', Value: 'ml' }] }));
    standin.setRole(REMEDIATION_ROLE, { trustPolicy: remediationTrust, policy: { ...remediationPolicy, Statement: (remediationPolicy.Statement as object[]).filter((s) => !JSON.stringify(s).includes('TaggingAction')) } as PolicyDocument });
    try {
      const denied = await caught(client.send(new CreateModelCommand({ ModelName: 'Tagged2', ExecutionRoleArn: EXECUTION_ROLE, PrimaryContainer: { Image: 'img' }, Tags: [{ Key: 'team', Value: 'ml' }] })));
      expect(denied).toMatchObject({ message: expect.stringContaining(`sagemaker:AddTags on resource: arn:aws:sagemaker:us-east-1:${MEMBER}:model/tagged2 because no identity-based policy allows`) });
      await client.send(new CreateModelCommand({ ModelName: 'Untagged', ExecutionRoleArn: EXECUTION_ROLE, PrimaryContainer: { Image: 'img' } }));
    } finally {
      standin.setRole(REMEDIATION_ROLE, { trustPolicy: remediationTrust, policy: remediationPolicy });
    }
  });

  it('Security Hub answers 403 AccessDeniedException; base credentials without a policy and the runtime switch stay open', async () => {
    const creds = await remediationSession();
    await sh(creds).send(new GetFindingsCommand({}));
    const update = await caught(sh(creds).send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [{ Id: 'x', ProductArn: 'p' }], Workflow: { Status: 'SUPPRESSED' } })));
    expect(update).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`securityhub:BatchUpdateFindings on resource: arn:aws:securityhub:us-east-1:${MEMBER}:hub/default because no identity-based policy allows`),
      $metadata: { httpStatusCode: 403 },
    });
    standin.invoke('CreateModel', { ModelName: 'doomed', PrimaryContainer: { Image: 'img' } });
    await sm(base).send(new DeleteModelCommand({ ModelName: 'doomed' }));
    standin.invoke('CreateModel', { ModelName: 'member-model', PrimaryContainer: { Image: 'img' } }, { accountId: MEMBER });
    expect(await caught(sm(creds).send(new DeleteModelCommand({ ModelName: 'member-model' })))).toMatchObject({ name: 'AccessDeniedException' });
    standin.enforceIam = false;
    await sm(creds).send(new DeleteModelCommand({ ModelName: 'member-model' }));
  });
  it('PassRole also covers job definitions and a schedule embedding its job definition; user credentials get a policy too', async () => {
    const user = `arn:aws:iam::${HUB}:user/standin`;
    standin.setIdentityPolicy(user, { Statement: [{ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' }, { Effect: 'Allow', Action: 'iam:PassRole', Resource: EXECUTION_ROLE }] });
    try {
      const client = sm(base);
      // Partial inputs (hence the casts): IAM is evaluated before SageMaker validates the request.
      const passes = (p: Promise<unknown>): Promise<unknown> => caught(p).then((e) => (e as Error | undefined)?.message);
      const schedule = await passes(
        client.send(new CreateMonitoringScheduleCommand({ MonitoringScheduleName: 'embedded', MonitoringScheduleConfig: { MonitoringJobDefinition: { RoleArn: OTHER_ROLE } as never } })),
      );
      expect(schedule).toBe(`User: ${user} is not authorized to perform: iam:PassRole on resource: ${OTHER_ROLE} because no identity-based policy allows the iam:PassRole action`);
      const definition = await passes(client.send(new CreateDataQualityJobDefinitionCommand({ JobDefinitionName: 'dq', RoleArn: OTHER_ROLE } as never)));
      expect(definition).toContain(`iam:PassRole on resource: ${OTHER_ROLE}`);
      // The permitted role gets past IAM to SageMaker's own validation.
      expect(await passes(client.send(new CreateDataQualityJobDefinitionCommand({ JobDefinitionName: 'dq', RoleArn: EXECUTION_ROLE } as never)))).toMatch(/^\d validation errors? detected/);
    } finally {
      standin.setIdentityPolicy(user, undefined);
    }
  });

  it('KMS as SageMaker documents it: starting a notebook with KmsKeyId needs kms:DescribeKey and kms:CreateGrant through SageMaker; deploying an endpoint config needs it on the config too', async () => {
    const key = `arn:aws:kms:us-east-1:${MEMBER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const user = `arn:aws:iam::${HUB}:user/standin`;
    const viaSageMaker = { StringLike: { 'kms:ViaService': 'sagemaker.*.amazonaws.com' } };
    const sagemakerOnly: PolicyDocument = {
      Statement: [
        { Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: EXECUTION_ROLE },
      ],
    };
    const withKms: PolicyDocument = {
      Statement: [
        ...(sagemakerOnly.Statement as object[]),
        { Effect: 'Allow', Action: 'kms:CreateGrant', Resource: key, Condition: { ...viaSageMaker, Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
        { Effect: 'Allow', Action: 'kms:DescribeKey', Resource: key, Condition: viaSageMaker },
      ] as PolicyDocument['Statement'],
    };
    standin.invoke('CreateNotebookInstance', { NotebookInstanceName: 'sealed', InstanceType: 'ml.t3.medium', RoleArn: EXECUTION_ROLE, KmsKeyId: key });
    standin.forceStatus(HUB, 'us-east-1', 'notebook-instance', 'sealed', 'Stopped');
    standin.invoke('CreateModel', { ModelName: 'sealed-model', PrimaryContainer: { Image: 'img' } });
    standin.invoke('CreateEndpointConfig', { EndpointConfigName: 'plain', ProductionVariants: [{ VariantName: 'v', ModelName: 'sealed-model', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }] });
    standin.invoke('CreateEndpointConfig', { EndpointConfigName: 'sealed', KmsKeyId: key, ProductionVariants: [{ VariantName: 'v', ModelName: 'sealed-model', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }] });
    const client = sm(base);
    try {
      standin.setIdentityPolicy(user, sagemakerOnly);
      const start = await caught(client.send(new StartNotebookInstanceCommand({ NotebookInstanceName: 'sealed' })));
      expect(start).toMatchObject({ name: 'AccessDeniedException', message: `User: ${user} is not authorized to perform: kms:DescribeKey on resource: ${key} because no identity-based policy allows the kms:DescribeKey action` });
      await client.send(new CreateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'plain' }));
      const deploy = await caught(client.send(new CreateEndpointCommand({ EndpointName: 'ep-sealed', EndpointConfigName: 'sealed' })));
      expect(deploy).toMatchObject({ message: expect.stringContaining(`kms:CreateGrant on resource: ${key}`) });

      standin.setIdentityPolicy(user, withKms);
      await client.send(new StartNotebookInstanceCommand({ NotebookInstanceName: 'sealed' }));
      await client.send(new CreateEndpointCommand({ EndpointName: 'ep-sealed', EndpointConfigName: 'sealed' }));
      // UpdateEndpoint is authorized on the configuration it deploys as well as on the endpoint.
      standin.setIdentityPolicy(user, { Statement: [{ Effect: 'Allow', Action: 'sagemaker:*', Resource: `arn:aws:sagemaker:*:${HUB}:endpoint/*` }] });
      const update = await caught(client.send(new UpdateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'plain' })));
      expect(update).toMatchObject({ message: expect.stringContaining(`sagemaker:UpdateEndpoint on resource: arn:aws:sagemaker:us-east-1:${HUB}:endpoint-config/plain`) });
    } finally {
      standin.setIdentityPolicy(user, undefined);
    }
  });

  it('covers SQS too: the resource is the queue ARN', async () => {
    const queue = standin.sqs.createQueue({ name: 'member-queue', accountId: MEMBER });
    const client = new SQSClient({ endpoint: standin.url, region: 'us-east-1', credentials: await remediationSession(), maxAttempts: 1 });
    const denied = await caught(client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' })));
    expect(denied).toMatchObject({ name: 'AccessDenied', message: `User: arn:aws:sts::${MEMBER}:assumed-role/Remediation/U0001-fix is not authorized to perform: sqs:SendMessage on resource: ${queue.arn} because no identity-based policy allows the sqs:SendMessage action`, $metadata: { httpStatusCode: 403 } });
    expect(standin.sqs.messages(queue.url)).toEqual([]);
  });
});

describe('CloudTrail records', () => {
  it('show the session, its issuer and source identity, camelCase parameters, and denied calls', async () => {
    standin.invoke('CreateNotebookInstance', { NotebookInstanceName: 'audited', InstanceType: 'ml.t3.medium', RoleArn: EXECUTION_ROLE }, { accountId: MEMBER });
    const client = sm(await remediationSession('U0001-audit'));
    await client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'audited' }));
    await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'audited' }));
    await client.send(new CreateModelCommand({ ModelName: 'audited-model', ExecutionRoleArn: EXECUTION_ROLE, PrimaryContainer: { Image: 'img' } }));
    await caught(client.send(new DeleteNotebookInstanceCommand({ NotebookInstanceName: 'audited' })));
    const session = `arn:aws:sts::${MEMBER}:assumed-role/Remediation/U0001-audit`;
    const mine = standin.cloudTrail({ userArn: session });
    expect(mine.map((r) => r.eventName)).toEqual(['StopNotebookInstance', 'DescribeNotebookInstance', 'CreateModel', 'DeleteNotebookInstance']);

    const [stop, describe_, create, del] = mine as [(typeof mine)[0], (typeof mine)[0], (typeof mine)[0], (typeof mine)[0]];
    expect(stop).toMatchObject({
      eventVersion: '1.11',
      eventSource: 'sagemaker.amazonaws.com',
      awsRegion: 'us-east-1',
      recipientAccountId: MEMBER,
      eventType: 'AwsApiCall',
      managementEvent: true,
      readOnly: false,
      requestParameters: { notebookInstanceName: 'audited' },
      responseElements: null,
      userIdentity: {
        type: 'AssumedRole',
        arn: session,
        accountId: MEMBER,
        accessKeyId: expect.stringMatching(/^ASIA/),
        sessionContext: { sessionIssuer: { type: 'Role', arn: REMEDIATION_ROLE, userName: 'Remediation', accountId: MEMBER }, sourceIdentity: 'U0001', attributes: { mfaAuthenticated: 'false' } },
      },
    });
    expect(stop.eventID).not.toBe(describe_.eventID);
    expect(describe_).toMatchObject({ readOnly: true, responseElements: null });
    expect(create).toMatchObject({ requestParameters: { modelName: 'audited-model', executionRoleArn: EXECUTION_ROLE, primaryContainer: { image: 'img' } }, responseElements: { modelArn: `arn:aws:sagemaker:us-east-1:${MEMBER}:model/audited-model` } });
    expect(del).toMatchObject({ errorCode: 'AccessDeniedException', errorMessage: expect.stringContaining('with an explicit deny'), responseElements: null });

    const assumeRole = standin.cloudTrail({ eventName: 'AssumeRole', userArn: `arn:aws:iam::${HUB}:user/standin` }).at(-1)!;
    expect(assumeRole).toMatchObject({
      eventSource: 'sts.amazonaws.com',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${HUB}:user/standin`, userName: 'standin' },
      requestParameters: { roleArn: HUB_ROLE, roleSessionName: 'bot', sourceIdentity: 'U0001' },
      responseElements: { sourceIdentity: 'U0001', assumedRoleUser: { arn: `arn:aws:sts::${HUB}:assumed-role/Hub/bot` }, credentials: { accessKeyId: expect.stringMatching(/^ASIA/) } },
    });
    expect(JSON.stringify(assumeRole)).not.toContain('standin-secret');
  });
});
