/**
 * IAM permissions as the code that makes the calls declares them: the inventory and Security Hub readers here in
 * src/aws, each remediation operation, the remediation's safety gates. src/iam turns them into the policies printed by
 * `sagemaker-audit iam-policy`, the CloudFormation templates in deploy/ and the policies the tests' AWS stand-in
 * enforces, so a policy cannot lack what the code calls.
 *
 * Resources are symbolic until a policy is written: the partition and account are filled in then (a member account's
 * `${AWS::AccountId}` in a template, `*` in a printed policy), and the execution roles and KMS keys are the ones the
 * operator names.
 */

export type PermissionResource =
  /** Every resource: List calls, which IAM cannot narrow. */
  | { type: 'any' }
  /** `arn:<partition>:sagemaker:*:<account>:<resourceType>/*`. */
  | { type: 'sagemaker'; resourceType: string }
  /** The SageMaker execution roles the account's notebooks, job definitions and endpoint configs name. */
  | { type: 'execution-roles' }
  /** The customer managed KMS keys those resources use. */
  | { type: 'kms-keys' }
  /** The account's Security Hub (`hub/default` in each region). */
  | { type: 'security-hub' }
  /** The audit or remediation role in the member accounts (the app's own role assumes them). */
  | { type: 'member-role'; role: 'audit' | 'remediation' };

/** IAM condition block: operator → key → value(s). */
export type PermissionCondition = Record<string, Record<string, string | readonly string[]>>;

export interface Permission {
  actions: readonly string[];
  resources: readonly PermissionResource[];
  condition?: PermissionCondition;
  /** Why the tool needs it, when the actions alone do not say (PassRole, KMS, tagging on create). */
  why?: string;
}

export const ANY: PermissionResource = { type: 'any' };

/** `NotebookInstance` → `notebook-instance`: SageMaker ARN resource types are the API nouns in kebab case. */
function resourceTypeOf(noun: string): string {
  return noun.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The resources a SageMaker API acts on, for IAM: List calls act on `*`; Describe/Create/Update/Delete/Start/Stop on
 * the resource they name; UpdateEndpoint also on the endpoint configuration it deploys. ListTags and AddTags act on
 * whatever resource they are given: the caller says which types (`tagsOf`).
 */
export function sagemakerResources(operation: string, tagsOf: readonly string[] = []): PermissionResource[] {
  if (operation === 'ListTags' || operation === 'AddTags') {
    if (tagsOf.length === 0) throw new Error(`sagemaker:${operation} needs the resource types it acts on (tagsOf)`);
    return tagsOf.map((resourceType) => ({ type: 'sagemaker', resourceType }));
  }
  if (operation.startsWith('List')) return [ANY];
  const m = /^(Describe|Create|Update|Delete|Start|Stop)(.+)$/.exec(operation);
  if (!m) throw new Error(`no IAM resource mapping for sagemaker:${operation}`);
  const own: PermissionResource = { type: 'sagemaker', resourceType: resourceTypeOf(m[2]!) };
  return operation === 'UpdateEndpoint' ? [own, { type: 'sagemaker', resourceType: 'endpoint-config' }] : [own];
}

/** One permission per SageMaker API, each on its own resources. */
export function sagemakerPermissions(operations: readonly string[], tagsOf: readonly string[] = []): Permission[] {
  return [...new Set(operations)].map((op) => ({ actions: [`sagemaker:${op}`], resources: sagemakerResources(op, tagsOf) }));
}

/**
 * iam:PassRole on the execution roles, only towards SageMaker. SageMaker checks it whenever a call hands it a role:
 * Create*JobDefinition.RoleArn, CreateEndpointConfig.ExecutionRoleArn, UpdateMonitoringSchedule with an embedded
 * definition's RoleArn, and StartNotebookInstance (the notebook's role).
 */
export function passExecutionRole(why: string): Permission {
  return {
    actions: ['iam:PassRole'],
    resources: [{ type: 'execution-roles' }],
    condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    why,
  };
}

/**
 * Tags given to a Create call are authorized as sagemaker:AddTags on the new resource; the condition key
 * sagemaker:TaggingAction limits that to the Create calls named.
 */
export function tagOnCreate(createOperations: readonly string[], resourceTypes: readonly string[]): Permission {
  return {
    actions: ['sagemaker:AddTags'],
    resources: resourceTypes.map((resourceType) => ({ type: 'sagemaker', resourceType })),
    condition: { StringEquals: { 'sagemaker:TaggingAction': createOperations } },
    why: `Tags copied onto the new resource in ${createOperations.join(', ')} are authorized as AddTags`,
  };
}

/**
 * KMS through SageMaker only, for resources that keep a customer managed key: SageMaker creates a grant on the key
 * when it starts a notebook instance with KmsKeyId or deploys an endpoint configuration with KmsKeyId, with the
 * caller's permissions; the same is granted for the copies of job definitions whose outputs or volumes name a key.
 */
export function kmsThroughSageMaker(why: string): Permission[] {
  const viaSageMaker = { 'kms:ViaService': 'sagemaker.*.amazonaws.com' };
  return [
    { actions: ['kms:CreateGrant'], resources: [{ type: 'kms-keys' }], condition: { StringLike: viaSageMaker, Bool: { 'kms:GrantIsForAWSResource': 'true' } }, why },
    { actions: ['kms:DescribeKey'], resources: [{ type: 'kms-keys' }], condition: { StringLike: viaSageMaker }, why },
  ];
}
