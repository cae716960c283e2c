import { stringify } from 'yaml';
import type { PermissionResource } from '../aws/permissions.js';
import { DEFAULT_ROLE_NAMES, permissionsFor, policyDocument, trustPolicy } from './policy.js';
import type { Need, PolicyOptions, PolicyScope, ResourceRenderer } from './policy.js';

/**
 * The CloudFormation templates of deploy/, rendered from the same permissions as `sagemaker-audit iam-policy`:
 * - member: the audit role and the remediation role of one member account, trusting only the app's role (external id
 *   optional), ready for a service-managed StackSet with automatic deployment to OUs;
 * - hub: the app's own role, which assumes those roles (and lists the organization's accounts when discovery is on).
 * Everything an organization differs in is a stack parameter, so the files never need editing.
 */

export type StackKind = 'member' | 'hub';
export const STACK_KINDS: readonly StackKind[] = ['member', 'hub'];
/** deploy/<file> of each template. */
export const TEMPLATE_FILES: Record<StackKind, string> = { member: 'member-roles.yaml', hub: 'hub-role.yaml' };

const sub = (text: string) => ({ 'Fn::Sub': text });
const ref = (name: string) => ({ Ref: name });
const ifThen = (condition: string, yes: unknown, no: unknown) => ({ 'Fn::If': [condition, yes, no] });
const NO_VALUE = ref('AWS::NoValue');
const bool = (description: string, fallback: 'true' | 'false') => ({ Type: 'String', AllowedValues: ['true', 'false'], Default: fallback, Description: description });
const isTrue = (parameter: string) => ({ 'Fn::Equals': [ref(parameter), 'true'] });

/** A role name parameter (IAM: 1-64 of letters, digits and _+=,.@-). */
const roleName = (fallback: string, description: string) => ({ Type: 'String', Default: fallback, AllowedPattern: '^[\\w+=,.@-]{1,64}$', Description: description });

/** Resources of a member account's policies: the stack's own partition and account, the roles and keys given. */
const memberResources: ResourceRenderer<unknown> = (r: PermissionResource) => {
  switch (r.type) {
    case 'any':
      return '*';
    case 'sagemaker':
      return sub(`arn:\${AWS::Partition}:sagemaker:*:\${AWS::AccountId}:${r.resourceType}/*`);
    case 'execution-roles':
      return ifThen('AnyExecutionRole', sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*'), ref('ExecutionRoleArns'));
    case 'kms-keys':
      return ifThen('AnyKmsKey', sub('arn:${AWS::Partition}:kms:*:${AWS::AccountId}:key/*'), ref('KmsKeyArns'));
    case 'security-hub':
      return sub('arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:hub/default');
    case 'member-role':
      throw new Error('a member account policy never names the member roles');
  }
};

/** Resources of the app's role: the member roles by name, in every account. */
const hubResources: ResourceRenderer<unknown> = (r: PermissionResource) => {
  if (r.type === 'member-role') return sub(`arn:\${AWS::Partition}:iam::*:role/\${${r.role === 'audit' ? 'AuditRoleName' : 'RemediationRoleName'}}`);
  if (r.type === 'any') return '*';
  throw new Error(`the app's role has no ${r.type} permission`);
};

/** The needs of `scope` that `option` adds, i.e. what a stack grants only when that parameter is true. */
function addedBy(scope: PolicyScope, option: keyof PolicyOptions): Need[] {
  const base = new Set(permissionsFor(scope).map((n) => JSON.stringify(n.permission)));
  return permissionsFor(scope, { [option]: true }).filter((n) => !base.has(JSON.stringify(n.permission)));
}

/** An inline policy, or one granted only when `condition` holds. */
function inlinePolicy(name: string, needs: Need[], render: ResourceRenderer<unknown>, condition?: string): unknown {
  const policy = { PolicyName: name, PolicyDocument: policyDocument(needs, render) };
  return condition ? ifThen(condition, policy, NO_VALUE) : policy;
}

function memberRole(role: 'audit' | 'remediation') {
  const principal = ref('HubRoleArn');
  const policies =
    role === 'audit'
      ? [
          inlinePolicy('sagemaker-audit-read', permissionsFor('audit'), memberResources),
          inlinePolicy('sagemaker-audit-securityhub-sync', addedBy('audit', 'securityHubSync'), memberResources, 'WithSecurityHubSync'),
        ]
      : [inlinePolicy('sagemaker-audit-remediation', permissionsFor('remediation'), memberResources)];
  return {
    Type: 'AWS::IAM::Role',
    ...(role === 'remediation' ? { Condition: 'WithRemediationRole' } : {}),
    Properties: {
      RoleName: ref(role === 'audit' ? 'AuditRoleName' : 'RemediationRoleName'),
      Description:
        role === 'audit'
          ? 'sagemaker-audit: read-only audit of SageMaker against the Security Hub controls (List, Describe, ListTags, Security Hub reads)'
          : 'sagemaker-audit: approved fixes only, one session per fix named after the approver (source identity required)',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: ifThen('HasExternalId', trustPolicy(role, principal, ref('ExternalId')), trustPolicy(role, principal)),
      Policies: policies,
    },
  };
}

function memberTemplate(): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'sagemaker-audit member account: a read-only audit role and a remediation role, both trusting only the app role. Deploy with a service-managed StackSet (automatic deployment to OUs, one Region).',
    Parameters: {
      HubRoleArn: {
        Type: 'String',
        AllowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
        Description: "ARN of the app's role (output AppRoleArn of the hub stack): the only principal the roles trust",
      },
      ExternalId: {
        Type: 'String',
        Default: '',
        AllowedPattern: '^$|^[\\w+=,.@:/-]{2,1224}$',
        Description: 'Optional: the external id the app sends (AWS_ROLE_EXTERNAL_ID); empty for none',
      },
      AuditRoleName: roleName(DEFAULT_ROLE_NAMES.audit, 'Name of the audit role (AUDIT_ROLE)'),
      RemediationRoleName: roleName(DEFAULT_ROLE_NAMES.remediation, 'Name of the remediation role (REMEDIATION_ROLE)'),
      CreateRemediationRole: bool('false: audit only, no role that can change anything', 'true'),
      ExecutionRoleArns: {
        Type: 'CommaDelimitedList',
        Default: '',
        Description:
          'SageMaker execution roles fixes may pass to SageMaker (iam:PassRole), e.g. arn:aws:iam::*:role/service-role/AmazonSageMaker-ExecutionRole-*; empty: any role of the account',
      },
      KmsKeyArns: {
        Type: 'CommaDelimitedList',
        Default: '',
        Description: 'Customer managed KMS keys SageMaker may create grants on for fixes (through SageMaker only); empty: any key of the account',
      },
      SecurityHubSync: bool('true when SECURITYHUB_SYNC=true: accepted risks set their findings to SUPPRESSED (securityhub:BatchUpdateFindings)', 'false'),
    },
    Conditions: {
      HasExternalId: { 'Fn::Not': [{ 'Fn::Equals': [ref('ExternalId'), ''] }] },
      WithRemediationRole: isTrue('CreateRemediationRole'),
      WithSecurityHubSync: isTrue('SecurityHubSync'),
      AnyExecutionRole: { 'Fn::Equals': [{ 'Fn::Join': [',', ref('ExecutionRoleArns')] }, ''] },
      AnyKmsKey: { 'Fn::Equals': [{ 'Fn::Join': [',', ref('KmsKeyArns')] }, ''] },
    },
    Resources: { AuditRole: memberRole('audit'), RemediationRole: memberRole('remediation') },
    Outputs: {
      AuditRoleArn: { Value: { 'Fn::GetAtt': ['AuditRole', 'Arn'] } },
      RemediationRoleArn: { Condition: 'WithRemediationRole', Value: { 'Fn::GetAtt': ['RemediationRole', 'Arn'] } },
    },
  };
}

function hubTemplate(): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: "sagemaker-audit hub account: the app's own role, which assumes the member accounts' audit and remediation roles.",
    Parameters: {
      AppServicePrincipal: {
        Type: 'String',
        AllowedValues: ['ecs-tasks.amazonaws.com', 'ec2.amazonaws.com'],
        Default: 'ecs-tasks.amazonaws.com',
        Description: 'Where the app runs: an ECS task role, or an EC2 instance profile (created with the role)',
      },
      AppRoleName: roleName('sagemaker-audit-app', "Name of the app's role"),
      AuditRoleName: roleName(DEFAULT_ROLE_NAMES.audit, 'Name of the audit role in the member accounts (AUDIT_ROLE)'),
      RemediationRoleName: roleName(DEFAULT_ROLE_NAMES.remediation, 'Name of the remediation role in the member accounts (REMEDIATION_ROLE)'),
      DiscoverAccounts: bool('true when AUDIT_DISCOVER_ACCOUNTS=true (the hub must be the management or a delegated administrator account)', 'false'),
    },
    Conditions: { OnEc2: { 'Fn::Equals': [ref('AppServicePrincipal'), 'ec2.amazonaws.com'] }, WithDiscovery: isTrue('DiscoverAccounts') },
    Resources: {
      AppRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: ref('AppRoleName'),
          Description: 'sagemaker-audit app: assumes the audit role, and the remediation role for approved fixes, in each member account',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: ref('AppServicePrincipal') }, Action: ['sts:AssumeRole'] }],
          },
          Policies: [
            inlinePolicy('sagemaker-audit-app', permissionsFor('hub'), hubResources),
            inlinePolicy('sagemaker-audit-discovery', addedBy('hub', 'discoverAccounts'), hubResources, 'WithDiscovery'),
          ],
        },
      },
      AppInstanceProfile: { Type: 'AWS::IAM::InstanceProfile', Condition: 'OnEc2', Properties: { Roles: [ref('AppRole')] } },
    },
    Outputs: {
      AppRoleArn: { Description: 'HubRoleArn of the member StackSet', Value: { 'Fn::GetAtt': ['AppRole', 'Arn'] } },
      AuditRole: { Description: 'AUDIT_ROLE', Value: ref('AuditRoleName') },
      RemediationRole: { Description: 'REMEDIATION_ROLE', Value: ref('RemediationRoleName') },
    },
  };
}

/** The template as data (what the tests resolve and compare with the JSON policies). */
export function cloudFormationTemplate(kind: StackKind): Record<string, unknown> {
  return kind === 'member' ? memberTemplate() : hubTemplate();
}

/** The template as deploy/ holds it. */
export function cloudFormationYaml(kind: StackKind): string {
  const header = `# Generated by \`sagemaker-audit iam-policy --format cloudformation --stack ${kind}\` (npm run deploy:templates). Do not edit.\n`;
  return header + stringify(cloudFormationTemplate(kind), { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}
