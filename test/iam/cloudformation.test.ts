import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import { STACK_KINDS, TEMPLATE_FILES, cloudFormationTemplate, cloudFormationYaml } from '../../src/iam/cloudformation.js';
import { withPermissionTables } from '../../src/iam/explain.js';
import { iamPolicy, policyLength, trustPolicy } from '../../src/iam/policy.js';
import type { PolicyDocument, PolicyOptions } from '../../src/iam/policy.js';

const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const ACCOUNT = '210987654321';
const HUB_ROLE = 'arn:aws:iam::111111111111:role/sagemaker-audit-app';

type Template = {
  Parameters: Record<string, { Type: string; Default?: string }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
};

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * The intrinsic functions the templates use, evaluated as CloudFormation does for one stack: parameters (given, else
 * their defaults; CommaDelimitedList as lists), the pseudo parameters, Fn::Sub, Fn::If, Fn::Equals, Fn::Not, Fn::Join.
 */
function resolve(template: Template, given: Record<string, string>): (node: unknown) => unknown {
  const params: Record<string, unknown> = { 'AWS::Partition': 'aws', 'AWS::AccountId': ACCOUNT, 'AWS::Region': 'us-east-1' };
  for (const [name, p] of Object.entries(template.Parameters)) {
    const value = given[name] ?? p.Default;
    if (value === undefined) throw new Error(`parameter ${name} has no value`);
    params[name] = p.Type === 'CommaDelimitedList' ? value.split(',') : value;
  }
  const conditions: Record<string, boolean> = {};
  const evaluate = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(evaluate).filter((x) => x !== NO_VALUE);
    if (node === null || typeof node !== 'object') return node;
    const [key, arg] = Object.entries(node)[0] ?? [];
    switch (key) {
      case 'Ref':
        return arg === 'AWS::NoValue' ? NO_VALUE : params[arg as string];
      case 'Fn::Sub':
        return (arg as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => String(params[name]));
      case 'Fn::If': {
        const [condition, yes, no] = arg as [string, unknown, unknown];
        return evaluate(conditions[condition] ? yes : no);
      }
      case 'Fn::Equals': {
        const [a, b] = (arg as unknown[]).map(evaluate);
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !evaluate((arg as unknown[])[0]);
      case 'Fn::Join': {
        const [sep, list] = arg as [string, unknown];
        return (evaluate(list) as string[]).join(sep);
      }
      case 'Fn::GetAtt':
        return `${(arg as string[]).join('.')}`;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const value = evaluate(v);
      if (value !== NO_VALUE) out[k] = value;
    }
    return out;
  };
  for (const [name, condition] of Object.entries(template.Conditions)) conditions[name] = evaluate(condition) as boolean;
  return evaluate;
}

/** Every (action, resource, condition) a set of policy documents grants: equal grants whatever the statements' grouping. */
function grants(docs: readonly PolicyDocument[]): string[] {
  return docs
    .flatMap((d) => d.Statement.flatMap((s) => s.Action.flatMap((a) => [s.Resource].flat().map((r) => JSON.stringify([a, r, s.Condition ?? null])))))
    .sort();
}

/** The role's resolved inline policies and trust policy, or undefined when the stack does not create it. */
function role(kind: 'member' | 'hub', logicalId: string, given: Record<string, string> = {}) {
  const template = parse(readFileSync(root(`deploy/${TEMPLATE_FILES[kind]}`), 'utf8')) as Template;
  const evaluate = resolve(template, given);
  const resource = template.Resources[logicalId]!;
  if (resource.Condition && !(evaluate(template.Conditions[resource.Condition]) as boolean)) return undefined;
  const properties = evaluate(resource.Properties) as { RoleName: string; AssumeRolePolicyDocument: unknown; Policies: { PolicyName: string; PolicyDocument: PolicyDocument }[] };
  return { name: properties.RoleName, trust: properties.AssumeRolePolicyDocument, policies: properties.Policies.map((p) => p.PolicyDocument) };
}

describe('CloudFormation templates in deploy/', () => {
  it.each(STACK_KINDS)('deploy/%s matches what the code generates (npm run deploy:templates)', (kind) => {
    expect(readFileSync(root(`deploy/${TEMPLATE_FILES[kind]}`), 'utf8')).toBe(cloudFormationYaml(kind));
  });

  it('docs/deploy-aws.md lists the actions the code needs (npm run deploy:templates)', () => {
    const doc = readFileSync(root('docs/deploy-aws.md'), 'utf8');
    expect(doc).toBe(withPermissionTables(doc));
  });

  it('the member roles get exactly the JSON policies, whatever the parameters', () => {
    const cases: Array<{ given: Record<string, string>; options: PolicyOptions & { executionRoles?: string[]; kmsKeys?: string[] } }> = [
      { given: { HubRoleArn: HUB_ROLE }, options: {} },
      {
        given: { HubRoleArn: HUB_ROLE, ExecutionRoleArns: 'arn:aws:iam::*:role/sm-a,arn:aws:iam::*:role/sm-b', KmsKeyArns: 'arn:aws:kms:*:999999999999:key/*', SecurityHubSync: 'true' },
        options: { securityHubSync: true, executionRoles: ['arn:aws:iam::*:role/sm-a', 'arn:aws:iam::*:role/sm-b'], kmsKeys: ['arn:aws:kms:*:999999999999:key/*'] },
      },
    ];
    for (const { given, options } of cases) {
      const audit = role('member', 'AuditRole', given)!;
      const remediation = role('member', 'RemediationRole', given)!;
      expect(audit.name).toBe('sagemaker-audit');
      expect(remediation.name).toBe('sagemaker-audit-remediation');
      expect(grants(audit.policies)).toEqual(grants([iamPolicy('audit', { account: ACCOUNT, ...options })]));
      expect(grants(remediation.policies)).toEqual(grants([iamPolicy('remediation', { account: ACCOUNT, ...options })]));
      // Inline policies of a role share 10,240 characters.
      expect(audit.policies.reduce((n, p) => n + policyLength(p), 0)).toBeLessThan(10_240);
      expect(remediation.policies.reduce((n, p) => n + policyLength(p), 0)).toBeLessThan(10_240);
    }
    // With the default parameters the documents are identical, statement for statement.
    expect(role('member', 'AuditRole', { HubRoleArn: HUB_ROLE })!.policies).toEqual([iamPolicy('audit', { account: ACCOUNT })]);
  });

  it('the member roles trust only the app role, with the external id when one is given; audit only creates no remediation role', () => {
    expect(role('member', 'AuditRole', { HubRoleArn: HUB_ROLE })!.trust).toEqual(trustPolicy('audit', HUB_ROLE));
    expect(role('member', 'RemediationRole', { HubRoleArn: HUB_ROLE, ExternalId: 'ext-1' })!.trust).toEqual(trustPolicy('remediation', HUB_ROLE, 'ext-1'));
    expect(role('member', 'RemediationRole', { HubRoleArn: HUB_ROLE, CreateRemediationRole: 'false' })).toBeUndefined();
    expect(role('member', 'AuditRole', { HubRoleArn: HUB_ROLE, AuditRoleName: 'Auditor' })!.name).toBe('Auditor');
  });

  it("the app role gets the hub policy for the member roles' names, and discovery when asked", () => {
    const app = role('hub', 'AppRole')!;
    expect(grants(app.policies)).toEqual(grants([iamPolicy('hub')]));
    const custom = role('hub', 'AppRole', { AuditRoleName: 'Auditor', RemediationRoleName: 'Fixer', DiscoverAccounts: 'true' })!;
    expect(grants(custom.policies)).toEqual(grants([iamPolicy('hub', { auditRole: 'Auditor', remediationRole: 'Fixer', discoverAccounts: true })]));
    expect(app.trust).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: ['sts:AssumeRole'] }] });
  });

  it('a resource that resolves to a list stands alone in its statement, and the templates parse back to the data', () => {
    const template = cloudFormationTemplate('member') as unknown as Template;
    const statements = JSON.stringify(template.Resources).match(/"Resource":\{"Fn::If"/g) ?? [];
    expect(statements.length).toBe(3); // PassRole, and the two KMS statements
    expect(parse(cloudFormationYaml('member'))).toEqual(JSON.parse(JSON.stringify(template)));
    // Dates stay strings for YAML 1.1 parsers (CloudFormation's).
    expect(cloudFormationYaml('member')).toContain('Version: "2012-10-17"');
  });

  it('`sagemaker-audit iam-policy --format cloudformation` prints the templates', async () => {
    for (const kind of STACK_KINDS) {
      let out = '';
      const code = await main(['iam-policy', '--format', 'cloudformation', '--stack', kind], {}, { stdout: (t) => (out += t), stderr: () => undefined });
      expect(code).toBe(0);
      expect(out).toBe(readFileSync(root(`deploy/${TEMPLATE_FILES[kind]}`), 'utf8'));
    }
  });
});
