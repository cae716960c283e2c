/**
 * IAM JSON policy evaluation, for the subset the stand-in enforces: identity policies (Action/NotAction,
 * Resource/NotResource, Condition) and role trust policies (Principal instead of Resource).
 * An explicit Deny wins; otherwise an Allow must match; otherwise the request is implicitly denied.
 */

type OneOrMany<T> = T | T[];

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Principal?: '*' | Record<string, OneOrMany<string>>;
  Condition?: Record<string, Record<string, OneOrMany<string | boolean>>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: OneOrMany<PolicyStatement>;
}

export interface AuthzRequest {
  action: string;
  /** ARN of the resource acted on, or '*'. Not checked for trust policies. */
  resource: string;
  /** What the caller matches in a Principal element (trust policies): its ARN, its role's ARN, its account root. */
  principals?: string[];
  /** Condition keys, names lower-cased (IAM compares key names case-insensitively). */
  context: Record<string, string | undefined>;
}

export type Decision = 'allow' | 'explicitDeny' | 'implicitDeny';

const list = <T>(v: OneOrMany<T> | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function globToRegExp(glob: string, ignoreCase: boolean): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

const glob = (pattern: string, value: string, ignoreCase = false): boolean => globToRegExp(pattern, ignoreCase).test(value);

/** ARNs are compared per colon-separated segment; a wildcard never spans segments. */
function arnSegments(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = arnSegments(pattern);
  const a = arnSegments(arn);
  if (!p || !a) return glob(pattern, arn);
  return p.every((seg, i) => glob(seg, a[i]!));
}

const actionMatches = (pattern: string, action: string): boolean => glob(pattern, action, true);

interface Operator {
  test: (actual: string, expected: string) => boolean;
  /** StringNotEquals & co.: true when no expected value matches, and when the key is absent. */
  negated: boolean;
}

const OPERATORS: Record<string, Operator> = {
  StringEquals: { test: (a, e) => a === e, negated: false },
  StringNotEquals: { test: (a, e) => a === e, negated: true },
  StringEqualsIgnoreCase: { test: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: true },
  StringLike: { test: (a, e) => glob(e, a), negated: false },
  StringNotLike: { test: (a, e) => glob(e, a), negated: true },
  ArnEquals: { test: (a, e) => arnMatches(e, a), negated: false },
  ArnLike: { test: (a, e) => arnMatches(e, a), negated: false },
  ArnNotEquals: { test: (a, e) => arnMatches(e, a), negated: true },
  ArnNotLike: { test: (a, e) => arnMatches(e, a), negated: true },
  Bool: { test: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
};

function parseOperator(name: string): { op: Operator | 'Null'; ifExists: boolean } {
  const ifExists = name.endsWith('IfExists');
  const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
  if (base === 'Null' && !ifExists) return { op: 'Null', ifExists };
  const op = OPERATORS[base];
  if (!op) throw new Error(`stand-in IAM: condition operator ${name} is not supported`);
  return { op, ifExists };
}

function conditionHolds(condition: PolicyStatement['Condition'], context: AuthzRequest['context']): boolean {
  for (const [operatorName, keys] of Object.entries(condition ?? {})) {
    const { op, ifExists } = parseOperator(operatorName);
    for (const [key, expectedRaw] of Object.entries(keys)) {
      const actual = context[key.toLowerCase()];
      const expected = list(expectedRaw).map(String);
      if (op === 'Null') {
        if (!expected.some((e) => (e === 'true') === (actual === undefined))) return false;
        continue;
      }
      if (actual === undefined) {
        if (ifExists || op.negated) continue;
        return false;
      }
      const anyMatch = expected.some((e) => op.test(actual, e));
      if (anyMatch === op.negated) return false;
    }
  }
  return true;
}

function principalMatches(principal: PolicyStatement['Principal'], callers: string[]): boolean {
  if (principal === '*') return true;
  const aws = list(principal?.AWS);
  return aws.some((p) => p === '*' || callers.includes(/^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p));
}

function statementApplies(s: PolicyStatement, req: AuthzRequest, kind: 'identity' | 'trust'): boolean {
  const actionOk = s.NotAction !== undefined ? !list(s.NotAction).some((a) => actionMatches(a, req.action)) : list(s.Action).some((a) => actionMatches(a, req.action));
  if (!actionOk) return false;
  if (kind === 'trust') {
    if (!principalMatches(s.Principal, req.principals ?? [])) return false;
  } else {
    const resourceOk = s.NotResource !== undefined ? !list(s.NotResource).some((r) => arnMatches(r, req.resource)) : list(s.Resource).some((r) => arnMatches(r, req.resource));
    if (!resourceOk) return false;
  }
  return conditionHolds(s.Condition, req.context);
}

export function evaluate(policies: PolicyDocument[], req: AuthzRequest, kind: 'identity' | 'trust' = 'identity'): Decision {
  let allowed = false;
  for (const policy of policies) {
    for (const s of list(policy.Statement)) {
      if (!statementApplies(s, req, kind)) continue;
      if (s.Effect === 'Deny') return 'explicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicitDeny';
}

/** Reject documents the evaluator would misread, at registration rather than mid-test. */
export function validatePolicy(policy: PolicyDocument, kind: 'identity' | 'trust'): void {
  const statements = list(policy.Statement);
  if (statements.length === 0) throw new Error('stand-in IAM: a policy needs at least one Statement');
  for (const s of statements) {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new Error(`stand-in IAM: Effect must be Allow or Deny (got ${String(s.Effect)})`);
    if ((s.Action === undefined) === (s.NotAction === undefined)) throw new Error('stand-in IAM: a statement needs exactly one of Action and NotAction');
    if (kind === 'identity' && (s.Resource === undefined) === (s.NotResource === undefined)) throw new Error('stand-in IAM: an identity-policy statement needs exactly one of Resource and NotResource');
    for (const r of [...list(s.Resource), ...list(s.NotResource)]) {
      if (r !== '*' && !arnSegments(r)) throw new Error(`Resource ${r} must be in ARN format or "*".`);
    }
    if (kind === 'trust' && s.Principal === undefined) throw new Error('stand-in IAM: a trust-policy statement needs a Principal (NotPrincipal is not supported)');
    for (const [operatorName, keys] of Object.entries(s.Condition ?? {})) {
      if (operatorName.includes(':')) throw new Error(`stand-in IAM: set operators (${operatorName}) are not supported`);
      parseOperator(operatorName);
      if (typeof keys !== 'object' || keys === null) throw new Error(`stand-in IAM: ${operatorName} needs a key/value block`);
    }
  }
}
