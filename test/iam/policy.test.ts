import * as sagemaker from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { auditActions, iamPolicy, remediationActions } from '../../src/iam/policy.js';
import { main } from '../../src/cli/main.js';

function cli(argv: string[]): { code: Promise<number>; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const code = main(argv, {}, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out: () => out, err: () => err };
}

describe('IAM policy derived from the calls the tool makes', () => {
  it('audit actions are reads only, one List and one Describe per resource kind, and real SageMaker API actions', () => {
    const actions = auditActions();
    expect(actions).toContain('sagemaker:ListNotebookInstances');
    expect(actions).toContain('sagemaker:DescribeNotebookInstance');
    expect(actions).toContain('sagemaker:DescribeModelExplainabilityJobDefinition');
    expect(actions).toContain('sagemaker:ListTags');
    expect(actions).toContain('securityhub:GetFindings');
    expect(new Set(actions).size).toBe(actions.length);
    for (const a of actions.filter((x) => x.startsWith('sagemaker:'))) {
      expect(a).toMatch(/^sagemaker:(List|Describe)/);
      expect(`${a.slice('sagemaker:'.length)}Command` in sagemaker, a).toBe(true);
    }
  });

  it('remediation actions include the writes the plans make and nothing destructive outside the allow-list', () => {
    const actions = remediationActions();
    for (const a of ['sagemaker:UpdateNotebookInstance', 'sagemaker:StopNotebookInstance', 'sagemaker:UpdateMonitoringSchedule', 'sagemaker:AddTags', 'sagemaker:DeleteDataQualityJobDefinition']) {
      expect(actions).toContain(a);
    }
    // No plan deletes a notebook, a model or an endpoint: those fixes are manual.
    for (const a of ['sagemaker:DeleteNotebookInstance', 'sagemaker:DeleteModel', 'sagemaker:DeleteEndpoint']) expect(actions).not.toContain(a);
  });

  it('scopes and options shape the statements', () => {
    const audit = iamPolicy({ scope: 'audit' });
    expect(audit.Statement.map((s) => s.Sid)).toEqual(['SageMakerAuditRead']);
    expect(audit.Statement.flatMap((s) => s.Action).some((a) => /^sagemaker:(Update|Delete|Create|Stop|Start|Add)/.test(a))).toBe(false);

    const all = iamPolicy({ scope: 'all', role: 'SageMakerAuditRole', securityHubSync: true, discoverAccounts: true });
    expect(all.Statement.map((s) => s.Sid)).toEqual(['SageMakerAuditRead', 'SageMakerRemediation', 'SecurityHubSync', 'DiscoverAccounts', 'AssumeAuditRole']);
    expect(all.Statement.at(-1)).toEqual({ Sid: 'AssumeAuditRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: 'arn:aws:iam::*:role/SageMakerAuditRole' });
    const template = iamPolicy({ scope: 'remediation', role: 'arn:aws:iam::{accountId}:role/team/Auditor' });
    expect(template.Statement.at(-1)?.Resource).toBe('arn:aws:iam::*:role/team/Auditor');
  });

  it('`sagemaker-audit iam-policy` prints the policy as JSON; a bad scope is a one-line error, exit 2', async () => {
    const ok = cli(['iam-policy', '--scope', 'audit']);
    expect(await ok.code).toBe(0);
    expect(JSON.parse(ok.out())).toEqual(iamPolicy({ scope: 'audit' }));

    const bad = cli(['iam-policy', '--scope', 'everything']);
    expect(await bad.code).toBe(2);
    expect(bad.err()).toBe('error: unknown scope "everything" (valid: audit, remediation, all)\n');
    expect(bad.out()).toBe('');
  });
});
