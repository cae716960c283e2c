/**
 * Roles, identity policies and their enforcement. Off by default: tests opt in per stand-in (`enforceIam`),
 * and only principals with a registered identity policy are evaluated, so existing tests keep working.
 */
import type { Json, Service, StsSession } from './context.js';
import { obj, str } from './context.js';
import { AwsError } from './errors.js';
import { evaluate, validatePolicy } from './policy-eval.js';
import type { AuthzRequest, Decision, PolicyDocument } from './policy-eval.js';
import { getResource, sagemakerArn } from './sagemaker.js';
import { SqsError } from './sqs.js';
import type { RegionState, SageMakerKind } from './state.js';

export interface RoleDefinition {
  /** Who may assume the role. Without one, AssumeRole is not checked against a trust policy. */
  trustPolicy?: PolicyDocument;
  /** The role's identity (permissions) policy, evaluated in enforcing mode. */
  policy?: PolicyDocument;
  /** 3600..43200 (IAM's default 3600). */
  maxSessionDuration?: number;
}

/** The principal behind a request's access key. */
export interface Caller {
  arn: string;
  accountId: string;
  session?: StsSession;
}

export interface AuthorizedCall {
  service: Service;
  operation: string;
  accountId: string;
  region: string;
  input: Json;
  caller: Caller;
  state: RegionState;
  now: number;
}

export class Iam {
  private readonly roles = new Map<string, RoleDefinition>();
  private readonly identityPolicies = new Map<string, PolicyDocument>();

  constructor(public enforce: boolean) {}

  setRole(roleArn: string, role: RoleDefinition): void {
    if (role.trustPolicy) validatePolicy(role.trustPolicy, 'trust');
    const max = role.maxSessionDuration;
    if (max !== undefined && (max < 3600 || max > 43_200)) throw new Error('stand-in IAM: maxSessionDuration must be 3600..43200');
    this.roles.set(roleArn, role);
    this.setIdentityPolicy(roleArn, role.policy);
  }

  role(roleArn: string): RoleDefinition | undefined {
    return this.roles.get(roleArn);
  }

  /** A role ARN (applies to its sessions) or a user ARN such as the base credentials' `arn:aws:iam::ACCT:user/standin`. */
  setIdentityPolicy(principalArn: string, policy: PolicyDocument | undefined): void {
    if (!policy) {
      this.identityPolicies.delete(principalArn);
      return;
    }
    validatePolicy(policy, 'identity');
    this.identityPolicies.set(principalArn, policy);
  }

  /** Enforcing mode: the first required permission the caller's identity policy does not grant, as the service's error. */
  authorize(call: AuthorizedCall): AwsError | undefined {
    if (!this.enforce) return undefined;
    const policy = this.identityPolicies.get(call.caller.session?.roleArn ?? call.caller.arn);
    if (!policy) return undefined;
    for (const req of requiredPermissions(call)) {
      const decision = evaluate([policy], req);
      if (decision !== 'allow') return accessDenied(call.service, call.caller.arn, req, decision);
    }
    return undefined;
  }
}

/** Condition keys every request carries. */
export function globalContext(caller: Caller, region: string): AuthzRequest['context'] {
  return {
    'aws:requestedregion': region,
    'aws:principalarn': caller.session?.roleArn ?? caller.arn,
    'aws:principalaccount': caller.accountId,
    'aws:sourceidentity': caller.session?.sourceIdentity,
  };
}

/** IAM's access-denied text; without a decision, the bare form (no reason clause). */
export function deniedMessage(callerArn: string, req: Pick<AuthzRequest, 'action' | 'resource'>, decision?: Exclude<Decision, 'allow'>, policyType: 'identity-based' | 'resource-based' = 'identity-based'): string {
  const base = `User: ${callerArn} is not authorized to perform: ${req.action} on resource: ${req.resource}`;
  if (!decision) return base;
  if (decision === 'explicitDeny') return `${base} with an explicit deny in ${policyType === 'identity-based' ? 'an' : 'a'} ${policyType} policy`;
  return `${base} because no ${policyType} policy allows the ${req.action} action`;
}

function accessDenied(service: Service, callerArn: string, req: AuthzRequest, decision: Exclude<Decision, 'allow'>): AwsError {
  const message = deniedMessage(callerArn, req, decision);
  switch (service) {
    case 'sts':
      return new AwsError('AccessDenied', message, 403);
    case 'securityhub':
      return new AwsError('AccessDeniedException', message, 403);
    case 'sqs':
      return new SqsError('AccessDeniedException', 'AccessDenied', message, 403);
    default:
      return new AwsError('AccessDeniedException', message, 400);
  }
}

/** sts:AssumeRole plus the permissions-only actions its parameters imply (also what a trust policy must allow). */
export function assumeRoleActions(input: Json, sourceIdentity: string | undefined): string[] {
  const actions = ['sts:AssumeRole'];
  // Also when inherited through role chaining: AWS requires sts:SetSourceIdentity on every role of the chain.
  if (sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
  if (Array.isArray(input.Tags) && input.Tags.length > 0) actions.push('sts:TagSession');
  return actions;
}

export function assumeRoleContext(input: Json, sourceIdentity: string | undefined): AuthzRequest['context'] {
  return { 'sts:externalid': str(input.ExternalId), 'sts:sourceidentity': sourceIdentity, 'sts:rolesessionname': str(input.RoleSessionName) };
}

function requiredPermissions(call: AuthorizedCall): AuthzRequest[] {
  const context = globalContext(call.caller, call.region);
  switch (call.service) {
    case 'sts': {
      // GetCallerIdentity needs no permission, even under an explicit deny.
      if (call.operation !== 'AssumeRole') return [];
      const resource = str(call.input.RoleArn) ?? '*';
      const sourceIdentity = str(call.input.SourceIdentity) ?? call.caller.session?.sourceIdentity;
      const stsContext = { ...context, ...assumeRoleContext(call.input, sourceIdentity) };
      return assumeRoleActions(call.input, sourceIdentity).map((action) => ({ action, resource, context: stsContext }));
    }
    case 'securityhub':
      return [{ action: `securityhub:${call.operation}`, resource: `arn:aws:securityhub:${call.region}:${call.accountId}:hub/default`, context }];
    case 'sagemaker':
      return sagemakerPermissions(call, context);
    case 'sqs':
      return [{ action: `sqs:${call.operation}`, resource: sqsQueueArn(call), context }];
    default:
      return [{ action: `${call.service}:${call.operation}`, resource: '*', context }];
  }
}

function sqsQueueArn(call: AuthorizedCall): string {
  const m = /\/(\d{12})\/([\w-]+)\/?$/.exec(str(call.input.QueueUrl) ?? '');
  const account = m?.[1] ?? str(call.input.QueueOwnerAWSAccountId) ?? call.accountId;
  const name = m?.[2] ?? str(call.input.QueueName);
  return name ? `arn:aws:sqs:${call.region}:${account}:${name}` : '*';
}

const TAG_OPERATIONS = new Set(['AddTags', 'ListTags', 'DeleteTags']);

/** The ARN a SageMaker operation acts on: the named (or created) resource, `*` for List calls, ResourceArn for tag calls. */
export function sagemakerResource(operation: string, input: Json, region: string, accountId: string): string {
  if (TAG_OPERATIONS.has(operation)) return str(input.ResourceArn) ?? '*';
  const m = /^(Create|Describe|Update|Delete|Start|Stop)(.+)$/.exec(operation);
  if (!m) return '*';
  const noun = m[2]!;
  const name = str(input[`${noun}Name`]) ?? str(input.JobDefinitionName) ?? str(input.Name);
  if (!name) return '*';
  const kind = noun.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase() as SageMakerKind;
  return sagemakerArn(kind, accountId, region, name);
}

/** Roles the request hands to SageMaker, which IAM checks as iam:PassRole. */
function passedRoles(call: AuthorizedCall): string[] {
  const { input } = call;
  const embedded = obj(obj(input.MonitoringScheduleConfig)?.MonitoringJobDefinition);
  const roles = [str(input.RoleArn), str(input.ExecutionRoleArn), str(embedded?.RoleArn)];
  if (call.operation === 'StartNotebookInstance') {
    const nb = getResource(call.state, 'notebook-instance', str(input.NotebookInstanceName) ?? '', call.now);
    roles.push(str(nb?.input.RoleArn));
  }
  return [...new Set(roles.filter((r): r is string => !!r))];
}

/** The key ARN of a KmsKeyId as SageMaker takes it: an ARN, a key id, or an alias (name or ARN). */
export function kmsKeyArn(keyId: string, region: string, accountId: string): string {
  if (keyId.startsWith('arn:')) return keyId;
  return keyId.startsWith('alias/') ? `arn:aws:kms:${region}:${accountId}:${keyId}` : `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}

/**
 * The KMS permissions SageMaker's permissions reference documents for the caller: starting a notebook instance that
 * has a KmsKeyId needs kms:DescribeKey and kms:CreateGrant on it; deploying an endpoint configuration with a
 * KmsKeyId (CreateEndpoint, UpdateEndpoint) needs kms:CreateGrant. SageMaker makes those calls on the caller's
 * behalf, so kms:ViaService is SageMaker's and the grant is for an AWS resource.
 */
function kmsPermissions(call: AuthorizedCall, context: AuthzRequest['context']): AuthzRequest[] {
  const { input, state, now, region, accountId } = call;
  let key: string | undefined;
  let actions: string[] = [];
  if (call.operation === 'StartNotebookInstance') {
    key = str(getResource(state, 'notebook-instance', str(input.NotebookInstanceName) ?? '', now)?.input.KmsKeyId);
    actions = ['kms:DescribeKey', 'kms:CreateGrant'];
  } else if (call.operation === 'CreateEndpoint' || call.operation === 'UpdateEndpoint') {
    key = str(getResource(state, 'endpoint-config', str(input.EndpointConfigName) ?? '', now)?.input.KmsKeyId);
    actions = ['kms:CreateGrant'];
  }
  if (!key) return [];
  const resource = kmsKeyArn(key, region, accountId);
  const kmsContext = { ...context, 'kms:viaservice': `sagemaker.${region}.amazonaws.com` };
  return actions.map((action) => ({ action, resource, context: action === 'kms:CreateGrant' ? { ...kmsContext, 'kms:grantisforawsresource': 'true' } : kmsContext }));
}

function sagemakerPermissions(call: AuthorizedCall, context: AuthzRequest['context']): AuthzRequest[] {
  const resource = sagemakerResource(call.operation, call.input, call.region, call.accountId);
  const reqs: AuthzRequest[] = [{ action: `sagemaker:${call.operation}`, resource, context }];
  // Deploying a configuration is authorized on the configuration too.
  if (call.operation === 'CreateEndpoint' || call.operation === 'UpdateEndpoint') {
    reqs.push({ action: `sagemaker:${call.operation}`, resource: sagemakerArn('endpoint-config', call.accountId, call.region, str(call.input.EndpointConfigName) ?? ''), context });
  }
  for (const role of passedRoles(call)) reqs.push({ action: 'iam:PassRole', resource: role, context: { ...context, 'iam:passedtoservice': 'sagemaker.amazonaws.com' } });
  if (call.operation.startsWith('Create') && Array.isArray(call.input.Tags) && call.input.Tags.length > 0) {
    reqs.push({ action: 'sagemaker:AddTags', resource, context: { ...context, 'sagemaker:taggingaction': call.operation } });
  }
  reqs.push(...kmsPermissions(call, context));
  return reqs;
}
