import { ASSUME_AUDIT_ROLE, DISCOVER_ACCOUNTS } from '../aws/accounts.js';
import { roleArnFor } from '../aws/arns.js';
import { inventoryPermissions, needsFor } from '../aws/inventory.js';
import { KINDS } from '../aws/kinds/index.js';
import type { Permission, PermissionCondition, PermissionResource } from '../aws/permissions.js';
import { SECURITY_HUB_READS, SECURITY_HUB_SYNC } from '../aws/securityhub.js';
import { ASSUME_REMEDIATION_ROLE } from '../aws/sessions.js';
import { CONTROLS } from '../controls/index.js';
import { gatePermissions } from '../remediation/gates.js';
import { operationPermissions } from '../remediation/operations/index.js';

/**
 * The least-privilege IAM policies of the three roles, from the permissions the code declares next to its calls
 * (src/aws/permissions.ts): the audit role (read-only: the inventory's List/Describe/ListTags and the Security Hub
 * reads), the remediation role (what every fix step and its undo calls, and the re-reads around them), and the app's
 * own role in the hub account (assume those two). Nothing here is typed twice: `sagemaker-audit iam-policy`, the
 * CloudFormation templates in deploy/ and the policies the tests' AWS stand-in enforces are all rendered from it.
 */

export type PolicyRole = 'audit' | 'remediation' | 'hub';
/** `all`: audit and remediation in one role (no REMEDIATION_ROLE: fixes run with the audit's credentials). */
export type PolicyScope = PolicyRole | 'all';
export const POLICY_SCOPES: readonly PolicyScope[] = ['audit', 'remediation', 'hub', 'all'];

/** Role names the templates create by default (AUDIT_ROLE and REMEDIATION_ROLE name them). */
export const DEFAULT_ROLE_NAMES = { audit: 'sagemaker-audit', remediation: 'sagemaker-audit-remediation' } as const;

export interface PolicyOptions {
  /** Audit role: securityhub:BatchUpdateFindings (SECURITYHUB_SYNC=true). */
  securityHubSync?: boolean;
  /** App role: organizations:ListAccounts (AUDIT_DISCOVER_ACCOUNTS=true). */
  discoverAccounts?: boolean;
}

/** A permission and the code that needs it. */
export interface Need {
  permission: Permission;
  neededBy: string;
}

function auditNeeds(o: PolicyOptions): Need[] {
  const inventory = inventoryPermissions(needsFor(CONTROLS)).flatMap(({ kind, permissions }) =>
    permissions.map((permission) => ({ permission, neededBy: `audit: read ${KINDS[kind].label}s` })),
  );
  return [
    ...inventory,
    { permission: SECURITY_HUB_READS, neededBy: 'audit: Security Hub findings, how they are generated, and the administrator that also holds them' },
    ...(o.securityHubSync ? [{ permission: SECURITY_HUB_SYNC, neededBy: 'accepted risks (SECURITYHUB_SYNC)' }] : []),
  ];
}

function remediationNeeds(): Need[] {
  return [
    ...gatePermissions().map((permission) => ({ permission, neededBy: 'fix: re-read before the first step and to verify' })),
    ...operationPermissions().map(({ operation, permission }) => ({ permission, neededBy: `fix step ${operation.name}` })),
  ];
}

function hubNeeds(o: PolicyOptions): Need[] {
  return [
    { permission: ASSUME_AUDIT_ROLE, neededBy: 'audit, digest, accepted risks' },
    { permission: ASSUME_REMEDIATION_ROLE, neededBy: 'approved fixes' },
    ...(o.discoverAccounts ? [{ permission: DISCOVER_ACCOUNTS, neededBy: 'account discovery' }] : []),
  ];
}

export function permissionsFor(scope: PolicyScope, o: PolicyOptions = {}): Need[] {
  switch (scope) {
    case 'audit':
      return auditNeeds(o);
    case 'remediation':
      return remediationNeeds();
    case 'hub':
      return hubNeeds(o);
    case 'all':
      return [...auditNeeds(o), ...remediationNeeds()];
  }
}

/* ------------------------------------------------------------------------------------------------------------------
 * Rendering
 * ---------------------------------------------------------------------------------------------------------------- */

/** How a symbolic resource is written: an ARN (pattern), several, or (in a template) an intrinsic function. */
export type ResourceRenderer<R> = (resource: PermissionResource) => R | R[];

export interface PolicyStatement<R = string> {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: R | R[];
  Condition?: PermissionCondition;
}

export interface PolicyDocument<R = string> {
  Version: '2012-10-17';
  Statement: PolicyStatement<R>[];
}

/** Where the ARNs point, for a policy written out as JSON. */
export interface ArnOptions {
  partition?: string;
  /** The member account the policy is attached in; `*` (default) for a policy used in every account. */
  account?: string;
  /** The SageMaker execution roles fixes may pass (default: every role of the account). */
  executionRoles?: readonly string[];
  /** The KMS keys SageMaker may create grants on for fixes (default: every key of the account). */
  kmsKeys?: readonly string[];
  /** The member roles the app's role assumes (name or ARN template; default: the templates' names). */
  auditRole?: string;
  remediationRole?: string;
}

/** A role name or ARN template, for any account: `arn:aws:iam::*:role/NAME`. */
function anyAccountRole(role: string, partition: string): string {
  return roleArnFor(role, '{accountId}', partition === 'aws' ? 'us-east-1' : partition === 'aws-cn' ? 'cn-north-1' : 'us-gov-west-1').replaceAll('{accountId}', '*');
}

export function arnRenderer(o: ArnOptions = {}): ResourceRenderer<string> {
  const p = o.partition ?? 'aws';
  const a = o.account ?? '*';
  return (r) => {
    switch (r.type) {
      case 'any':
        return '*';
      case 'sagemaker':
        return `arn:${p}:sagemaker:*:${a}:${r.resourceType}/*`;
      case 'execution-roles':
        return o.executionRoles && o.executionRoles.length > 0 ? [...o.executionRoles] : `arn:${p}:iam::${a}:role/*`;
      case 'kms-keys':
        return o.kmsKeys && o.kmsKeys.length > 0 ? [...o.kmsKeys] : `arn:${p}:kms:*:${a}:key/*`;
      case 'security-hub':
        return `arn:${p}:securityhub:*:${a}:hub/default`;
      case 'member-role':
        return anyAccountRole((r.role === 'audit' ? o.auditRole : o.remediationRole) ?? DEFAULT_ROLE_NAMES[r.role], p);
    }
  };
}

const pascal = (s: string): string =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`)
    .join('');

/** `SageMakerNotebookInstance`, `SageMakerJobDefinitions` (types sharing a suffix), `SageMakerEndpointAndEndpointConfig`. */
function sagemakerSid(types: readonly string[]): string {
  if (types.length === 1) return `SageMaker${pascal(types[0]!)}`;
  const words = types.map((t) => t.split('-'));
  const suffix: string[] = [];
  for (let i = 1; words.every((w) => w.length >= i && w[w.length - i] === words[0]![words[0]!.length - i]); i++) suffix.unshift(words[0]![words[0]!.length - i]!);
  return suffix.length > 0 && words.every((w) => w.length > suffix.length) ? `SageMaker${pascal(suffix.join('-'))}s` : `SageMaker${types.map(pascal).join('And')}`;
}

/** A readable statement id from what the statement covers. */
function sidOf(resources: readonly PermissionResource[], actions: readonly string[], condition: PermissionCondition | undefined): string {
  const [first] = resources;
  const [service = '', api = ''] = actions[0]!.split(':');
  let base: string;
  if (resources.every((r) => r.type === 'sagemaker')) base = sagemakerSid(resources.map((r) => (r as { resourceType: string }).resourceType));
  else if (first?.type === 'execution-roles') base = 'PassExecutionRolesToSageMaker';
  else if (first?.type === 'kms-keys') base = `Kms${actions.map((x) => pascal(x.split(':')[1]!)).join('')}ViaSageMaker`;
  else if (first?.type === 'security-hub') base = 'SecurityHub';
  else if (first?.type === 'member-role') base = `Assume${pascal(first.role)}Role`;
  else base = `${service === 'sagemaker' ? 'SageMaker' : pascal(service)}${actions.length === 1 ? pascal(api) : 'List'}`;
  return condition?.StringEquals?.['sagemaker:TaggingAction'] ? `${base}TagOnCreate` : base;
}

/**
 * The policy for `needs`, in as few statements as IAM allows: actions that apply to the same resources under the
 * same condition share a statement; resources are rendered by `render`.
 */
export function policyDocument<R>(needs: readonly Need[], render: ResourceRenderer<R>): PolicyDocument<R> {
  // Per (resource, condition): the actions allowed on it; then resources with the same actions and condition merge.
  const perResource = new Map<string, { resource: PermissionResource; condition: PermissionCondition | undefined; actions: Set<string> }>();
  for (const { permission } of needs) {
    for (const resource of permission.resources) {
      const key = JSON.stringify([resource, permission.condition ?? null]);
      const entry = perResource.get(key) ?? { resource, condition: permission.condition, actions: new Set<string>() };
      for (const action of permission.actions) entry.actions.add(action);
      perResource.set(key, entry);
    }
  }
  const groups = new Map<string, { resources: PermissionResource[]; condition: PermissionCondition | undefined; actions: string[] }>();
  for (const { resource, condition, actions } of perResource.values()) {
    const sorted = [...actions].sort();
    const key = JSON.stringify([sorted, condition ?? null]);
    const group = groups.get(key) ?? { resources: [], condition, actions: sorted };
    group.resources.push(resource);
    groups.set(key, group);
  }
  const used = new Map<string, number>();
  const statements = [...groups.values()].map((g) => {
    const rendered = g.resources.flatMap((r) => render(r));
    let sid = sidOf(g.resources, g.actions, g.condition);
    const n = (used.get(sid) ?? 0) + 1;
    used.set(sid, n);
    if (n > 1) sid = `${sid}${n}`;
    const statement: PolicyStatement<R> = { Sid: sid, Effect: 'Allow', Action: g.actions, Resource: rendered.length === 1 ? rendered[0]! : rendered };
    if (g.condition) statement.Condition = g.condition;
    return statement;
  });
  statements.sort((x, y) => x.Sid.localeCompare(y.Sid));
  return { Version: '2012-10-17', Statement: statements };
}

/** The policy of a role as JSON, for `sagemaker-audit iam-policy` and for a role set up by hand. */
export function iamPolicy(scope: PolicyScope, options: PolicyOptions & ArnOptions = {}): PolicyDocument {
  return policyDocument(permissionsFor(scope, options), arnRenderer(options));
}

/* ------------------------------------------------------------------------------------------------------------------
 * Trust policies of the member roles
 * ---------------------------------------------------------------------------------------------------------------- */

export interface TrustPolicy<P = string> {
  Version: '2012-10-17';
  Statement: { Sid: string; Effect: 'Allow'; Principal: { AWS: P }; Action: string[]; Condition?: Record<string, Record<string, unknown>> }[];
}

/**
 * Who may assume a member role: the app's role only, with the external id when one is set. The remediation role also
 * lets it set a source identity and requires one: a fix can never be anonymous in CloudTrail.
 */
export function trustPolicy<P>(role: 'audit' | 'remediation', principal: P, externalId?: unknown): TrustPolicy<P> {
  const condition: Record<string, Record<string, unknown>> = {};
  if (externalId !== undefined) condition.StringEquals = { 'sts:ExternalId': externalId };
  if (role === 'remediation') condition.Null = { 'sts:SourceIdentity': 'false' };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustTheSageMakerAuditApp',
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: role === 'remediation' ? ['sts:AssumeRole', 'sts:SetSourceIdentity'] : ['sts:AssumeRole'],
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
    ],
  };
}

/** Policy length as IAM counts it (no whitespace): inline policies of a role share 10,240, a managed policy has 6,144. */
export function policyLength(doc: unknown): number {
  return JSON.stringify(doc).length;
}
