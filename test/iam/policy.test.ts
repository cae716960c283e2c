import * as sagemaker from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { permissionTable } from '../../src/iam/explain.js';
import { POLICY_SCOPES, iamPolicy, permissionsFor, policyLength, trustPolicy } from '../../src/iam/policy.js';
import type { PolicyDocument } from '../../src/iam/policy.js';

function cli(argv: string[]): { code: Promise<number>; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const code = main(argv, {}, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out: () => out, err: () => err };
}

const actions = (doc: PolicyDocument): string[] => doc.Statement.flatMap((s) => s.Action);
const statementsWith = (doc: PolicyDocument, action: string) => doc.Statement.filter((s) => s.Action.includes(action));
const resources = (s: { Resource: string | string[] }): string[] => [s.Resource].flat();

describe('IAM policies derived from the calls the tool makes', () => {
  it('the audit role only reads: List, Describe, ListTags and Security Hub reads, each a real API', () => {
    const audit = iamPolicy('audit');
    const all = actions(audit);
    expect(all).toEqual(expect.arrayContaining(['sagemaker:ListNotebookInstances', 'sagemaker:DescribeNotebookInstance', 'sagemaker:DescribeModelExplainabilityJobDefinition', 'sagemaker:ListTags']));
    expect(all).toEqual(expect.arrayContaining(['securityhub:GetFindings', 'securityhub:DescribeHub', 'securityhub:GetAdministratorAccount']));
    for (const a of all.filter((x) => x.startsWith('sagemaker:'))) {
      expect(a).toMatch(/^sagemaker:(List|Describe)/);
      expect(`${a.slice('sagemaker:'.length)}Command` in sagemaker, a).toBe(true);
    }
    expect(all.filter((a) => a.startsWith('securityhub:'))).not.toContain('securityhub:BatchUpdateFindings');
    expect(actions(iamPolicy('audit', { securityHubSync: true }))).toContain('securityhub:BatchUpdateFindings');
  });

  it('resources are narrowed to SageMaker ARN patterns wherever IAM allows: only List calls stay on *', () => {
    for (const scope of ['audit', 'remediation'] as const) {
      for (const s of iamPolicy(scope).Statement) {
        const onAny = resources(s).includes('*');
        expect(onAny, `${scope} ${s.Sid}`).toBe(s.Action.every((a) => /^sagemaker:List(?!Tags$)/.test(a)));
        for (const r of resources(s).filter((x) => x.startsWith('arn:aws:sagemaker'))) expect(r).toMatch(/^arn:aws:sagemaker:\*:\*:[a-z-]+\/\*$/);
      }
    }
    expect(statementsWith(iamPolicy('audit'), 'sagemaker:DescribeNotebookInstance')[0]!.Resource).toBe('arn:aws:sagemaker:*:*:notebook-instance/*');
    // UpdateEndpoint is authorized on the endpoint and on the configuration it deploys.
    const update = statementsWith(iamPolicy('remediation'), 'sagemaker:UpdateEndpoint').flatMap(resources).sort();
    expect(update).toEqual(['arn:aws:sagemaker:*:*:endpoint-config/*', 'arn:aws:sagemaker:*:*:endpoint/*']);
    expect(statementsWith(iamPolicy('audit', { account: '210987654321' }), 'securityhub:GetFindings')[0]!.Resource).toBe('arn:aws:securityhub:*:210987654321:hub/default');
  });

  it('remediation has iam:PassRole towards SageMaker only, on the execution roles given', () => {
    const [pass, ...more] = statementsWith(iamPolicy('remediation'), 'iam:PassRole');
    expect(more).toEqual([]);
    expect(pass).toMatchObject({ Action: ['iam:PassRole'], Resource: 'arn:aws:iam::*:role/*', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } });
    const narrowed = statementsWith(iamPolicy('remediation', { account: '210987654321', executionRoles: ['arn:aws:iam::210987654321:role/service-role/AmazonSageMaker-ExecutionRole-*'] }), 'iam:PassRole')[0]!;
    expect(narrowed.Resource).toBe('arn:aws:iam::210987654321:role/service-role/AmazonSageMaker-ExecutionRole-*');
  });

  it('tags given to a Create are allowed as AddTags on create only, and KMS only through SageMaker', () => {
    const policy = iamPolicy('remediation');
    const onCreate = policy.Statement.filter((s) => s.Condition?.StringEquals?.['sagemaker:TaggingAction']);
    expect(onCreate.flatMap((s) => [s.Condition!.StringEquals!['sagemaker:TaggingAction']].flat()).sort()).toEqual([
      'CreateDataQualityJobDefinition',
      'CreateEndpointConfig',
      'CreateModelBiasJobDefinition',
      'CreateModelExplainabilityJobDefinition',
      'CreateModelQualityJobDefinition',
    ]);
    expect(onCreate.every((s) => s.Action.join() === 'sagemaker:AddTags')).toBe(true);
    // AddTags without that condition only on the kinds a tag control fixes (SageMaker.6, .7).
    const plainAddTags = policy.Statement.filter((s) => s.Action.includes('sagemaker:AddTags') && !s.Condition);
    expect(plainAddTags.flatMap(resources).sort()).toEqual(['arn:aws:sagemaker:*:*:app-image-config/*', 'arn:aws:sagemaker:*:*:image/*']);
    const kms = policy.Statement.filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    expect(kms.flatMap((s) => s.Action).sort()).toEqual(['kms:CreateGrant', 'kms:DescribeKey']);
    for (const s of kms) expect(s.Condition?.StringLike).toEqual({ 'kms:ViaService': 'sagemaker.*.amazonaws.com' });
    expect(statementsWith(policy, 'kms:CreateGrant')[0]!.Condition?.Bool).toEqual({ 'kms:GrantIsForAWSResource': 'true' });
  });

  it('remediation writes what the plans need and nothing the bot never does', () => {
    const all = actions(iamPolicy('remediation'));
    for (const a of ['sagemaker:UpdateNotebookInstance', 'sagemaker:StopNotebookInstance', 'sagemaker:StartNotebookInstance', 'sagemaker:UpdateMonitoringSchedule', 'sagemaker:DeleteDataQualityJobDefinition', 'sagemaker:CreateEndpointConfig']) {
      expect(all).toContain(a);
    }
    for (const a of ['sagemaker:DeleteNotebookInstance', 'sagemaker:DeleteModel', 'sagemaker:DeleteEndpoint', 'sagemaker:CreateNotebookInstance', 'securityhub:GetFindings']) expect(all).not.toContain(a);
  });

  it("the app's role only assumes the two member roles (source identity on the remediation role), and lists accounts when discovery is on", () => {
    expect(iamPolicy('hub').Statement).toEqual([
      { Sid: 'AssumeAuditRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: 'arn:aws:iam::*:role/sagemaker-audit' },
      { Sid: 'AssumeRemediationRole', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: 'arn:aws:iam::*:role/sagemaker-audit-remediation' },
    ]);
    const custom = iamPolicy('hub', { auditRole: 'arn:aws:iam::{accountId}:role/team/Auditor', remediationRole: 'Fixer', discoverAccounts: true, partition: 'aws-us-gov' });
    expect(custom.Statement.map((s) => [s.Sid, s.Resource])).toEqual([
      ['AssumeAuditRole', 'arn:aws:iam::*:role/team/Auditor'],
      ['AssumeRemediationRole', 'arn:aws-us-gov:iam::*:role/Fixer'],
      ['OrganizationsListAccounts', '*'],
    ]);
  });

  it('every policy fits a managed policy (6,144 characters), with unique alphanumeric statement ids', () => {
    for (const scope of POLICY_SCOPES) {
      const doc = iamPolicy(scope, { securityHubSync: true, discoverAccounts: true });
      expect(policyLength(doc), scope).toBeLessThan(6144);
      const sids = doc.Statement.map((s) => s.Sid);
      expect(new Set(sids).size).toBe(sids.length);
      for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
    }
    expect([...new Set(actions(iamPolicy('all')))].sort()).toEqual([...new Set([...actions(iamPolicy('audit')), ...actions(iamPolicy('remediation'))])].sort());
  });

  it('member roles trust the app only; the remediation role requires a source identity', () => {
    expect(trustPolicy('audit', 'arn:aws:iam::123456789012:role/app').Statement).toEqual([
      { Sid: 'TrustTheSageMakerAuditApp', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/app' }, Action: ['sts:AssumeRole'] },
    ]);
    expect(trustPolicy('remediation', 'arn:aws:iam::123456789012:role/app', 'ext-1').Statement[0]).toMatchObject({
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      Condition: { StringEquals: { 'sts:ExternalId': 'ext-1' }, Null: { 'sts:SourceIdentity': 'false' } },
    });
  });

  it('the permission table lists every action of a role with why it is needed', () => {
    const table = permissionTable('remediation');
    for (const a of actions(iamPolicy('remediation'))) expect(table, a).toContain(`\`${a}\``);
    expect(table).toMatch(/\| `iam:PassRole` \| `arn:aws:iam::\*:role\/\*` \| StringEquals iam:PassedToService = sagemaker.amazonaws.com \| .*Create\*JobDefinition hands SageMaker the copied RoleArn/);
    expect(table).toContain('fix step notebook.update');
    for (const { neededBy } of permissionsFor('audit')) expect(permissionTable('audit')).toContain(neededBy);
  });
});

describe('sagemaker-audit iam-policy', () => {
  it('prints a role policy as JSON, and the table as Markdown', async () => {
    const ok = cli(['iam-policy', '--scope', 'remediation', '--account', '210987654321', '--pass-roles', 'arn:aws:iam::210987654321:role/sm-*']);
    expect(await ok.code).toBe(0);
    expect(JSON.parse(ok.out())).toEqual(iamPolicy('remediation', { account: '210987654321', executionRoles: ['arn:aws:iam::210987654321:role/sm-*'] }));
    const md = cli(['iam-policy', '--scope', 'hub', '--format', 'markdown']);
    expect(await md.code).toBe(0);
    expect(md.out()).toBe(permissionTable('hub'));
  });

  it.each([
    [['iam-policy', '--scope', 'everything'], 'error: unknown scope "everything" (valid: audit, remediation, hub, all)\n'],
    [['iam-policy', '--format', 'xml'], 'error: unknown format "xml" (valid: json, cloudformation, markdown)\n'],
    [['iam-policy', '--stack', 'hub'], 'error: --stack needs --format cloudformation\n'],
    [['iam-policy', '--format', 'cloudformation', '--pass-roles', 'arn:aws:iam::1:role/x'], 'error: --pass-roles does not apply to --format cloudformation: the templates take it as a stack parameter\n'],
    [['iam-policy', '--pass-roles', 'my-role'], 'error: --pass-roles: not an IAM role ARN (pattern): "my-role"\n'],
    [['iam-policy', '--scope', 'hub', '--role', 'arn:aws:iam::123:role/x'], 'error: --role: role ARN template must contain {accountId}: "arn:aws:iam::123:role/x"\n'],
    [['iam-policy', '--account', '12'], 'error: not a 12-digit account id: "12"\n'],
  ])('%j is a one-line error, exit 2, nothing on stdout', async (argv, message) => {
    const bad = cli(argv);
    expect(await bad.code).toBe(2);
    expect(bad.err()).toBe(message);
    expect(bad.out()).toBe('');
  });
});
