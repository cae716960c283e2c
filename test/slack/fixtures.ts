import type { AuditResult } from '../../src/audit/report.js';
import type { RemediationPlan } from '../../src/plans/plan.js';
import { loadConfig, type ApprovalPolicy } from '../../src/config.js';
import { draftFor, type Proposal } from '../../src/remediation/proposals.js';

export function plan(overrides: Partial<RemediationPlan> = {}): RemediationPlan {
  return {
    kind: 'in-place',
    summary: 'Turn off direct internet access on the notebook instance.',
    disruption: 'The notebook is stopped and started again.',
    allowedStates: ['InService', 'Stopped'],
    steps: [
      { id: 'stop', operation: 'notebook.stop-if-running', title: 'Stop notebook if it is InService', params: { name: 'nb' } },
      { id: 'update', operation: 'notebook.update', title: 'Set DirectInternetAccess=Disabled', params: { name: 'nb' } },
    ],
    verify: { controlId: 'SageMaker.2' },
    rollback: 'Start the notebook again if it was running.',
    ...overrides,
  };
}

export function failedResult(overrides: Partial<AuditResult> = {}): AuditResult & { remediation: RemediationPlan } {
  const name = overrides.resourceName ?? 'nb-1';
  return {
    controlId: 'SageMaker.2',
    status: 'FAILED',
    severity: 'HIGH',
    resourceKind: 'notebook-instance',
    resourceType: 'AWS::SageMaker::NotebookInstance',
    resourceArn: `arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/${name}`,
    resourceName: name,
    accountId: '123456789012',
    region: 'us-east-1',
    reason: `SageMaker notebook ${name} has direct internet access enabled.`,
    securityHub: null,
    fingerprint: 'f'.repeat(32),
    ...overrides,
    remediation: (overrides.remediation as RemediationPlan | undefined) ?? plan(),
  } as AuditResult & { remediation: RemediationPlan };
}

export function proposal(overrides: Partial<Proposal> = {}, results: (AuditResult & { remediation: RemediationPlan })[] = [failedResult()]): Proposal {
  return {
    id: 'ptest1',
    createdAt: '2026-01-01T00:00:00.000Z',
    auditId: 'a1',
    requestedBy: 'U0REQUESTER',
    ...draftFor(results),
    tags: null,
    slack: { channelId: 'C0AUDIT', threadTs: '1.000001' },
    ...overrides,
  };
}

/** The simple approval policy (APPROVERS, TWO_PERSON_RULE) as config builds it. */
export function simplePolicy(approvers: string[] = ['U0APPROVER'], twoPersonRule = true): ApprovalPolicy {
  return loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-secret', APPROVERS: approvers.join(','), TWO_PERSON_RULE: String(twoPersonRule) }).app.approvalPolicy;
}
