import { KINDS } from '../aws/kinds/index.js';
import { remediationIamActions } from '../remediation/operations/index.js';

/**
 * The least-privilege IAM policy the tool needs, derived from the code that makes the calls: the inventory's List and
 * Describe operations, and the IAM actions each remediation operation declares. Nothing here is typed twice, so the
 * policy cannot drift from what the tool actually calls.
 */
export type PolicyScope = 'audit' | 'remediation' | 'all';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const sorted = (actions: Iterable<string>): string[] => [...new Set(actions)].sort();

/** Read-only actions of an audit: every inventory List/Describe, ListTags, and the Security Hub findings. */
export function auditActions(): string[] {
  const sagemaker = Object.values(KINDS).flatMap(({ list, describe }) => [`sagemaker:${list.operation}`, `sagemaker:${describe.operation}`]);
  return sorted([...sagemaker, 'sagemaker:ListTags', 'securityhub:GetFindings']);
}

/** Actions the approved fixes need: the union of what every remediation operation declares. */
export function remediationActions(): string[] {
  return remediationIamActions();
}

/**
 * The policy for the role the tool runs as (or assumes in each account, `role` being its name or ARN template).
 * `securityHubSync` adds BatchUpdateFindings (accepted risks synced to findings); `discoverAccounts` adds
 * Organizations ListAccounts (only the management or a delegated administrator account can call it).
 */
export function iamPolicy(options: { scope: PolicyScope; role?: string; securityHubSync?: boolean; discoverAccounts?: boolean }): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (options.scope !== 'remediation') {
    statements.push({ Sid: 'SageMakerAuditRead', Effect: 'Allow', Action: auditActions(), Resource: '*' });
  }
  if (options.scope !== 'audit') {
    // Remediation re-reads before it writes, so it needs the reads of the resources it fixes as well.
    statements.push({ Sid: 'SageMakerRemediation', Effect: 'Allow', Action: remediationActions(), Resource: '*' });
  }
  if (options.securityHubSync) {
    statements.push({ Sid: 'SecurityHubSync', Effect: 'Allow', Action: ['securityhub:BatchUpdateFindings'], Resource: '*' });
  }
  if (options.discoverAccounts) {
    statements.push({ Sid: 'DiscoverAccounts', Effect: 'Allow', Action: ['organizations:ListAccounts'], Resource: '*' });
  }
  if (options.role) {
    const resource = options.role.startsWith('arn:') ? options.role.replace('{accountId}', '*') : `arn:aws:iam::*:role/${options.role}`;
    statements.push({ Sid: 'AssumeAuditRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: resource });
  }
  return { Version: '2012-10-17', Statement: statements };
}
