import type { CallContext, Handler, Json } from './context.js';
import { num, str } from './context.js';
import { AwsError } from './errors.js';
import { assumeRoleActions, assumeRoleContext, deniedMessage, globalContext } from './iam.js';
import type { Caller } from './iam.js';
import { evaluate } from './policy-eval.js';

const ROLE_RE = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/** Role chaining caps the session at one hour whatever the role allows. */
const CHAINED_MAX_SECONDS = 3600;

export function stsValidation(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

function violation(member: string, value: unknown, constraint: string): string {
  const shown = value === undefined ? 'null' : `'${String(value)}'`;
  return `Value ${shown} at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must ${constraint}`;
}

function stringViolation(input: Json, member: string, min: number, max: number, pattern: string): string | undefined {
  const v = input[member];
  if (v === undefined) return undefined;
  const s = String(v);
  if (s.length < min) return violation(member, s, `have length greater than or equal to ${min}`);
  if (s.length > max) return violation(member, s, `have length less than or equal to ${max}`);
  if (!new RegExp(`^${pattern}$`).test(s)) return violation(member, s, `satisfy regular expression pattern: ${pattern}`);
  return undefined;
}

function durationViolation(input: Json): string | undefined {
  const d = input.DurationSeconds;
  if (typeof d !== 'number') return undefined;
  if (d < 900) return violation('DurationSeconds', d, 'have value greater than or equal to 900');
  if (d > 43_200) return violation('DurationSeconds', d, 'have value less than or equal to 43200');
  return undefined;
}

/** Model constraints of AssumeRole, reported together (in member order) as AWS's validator does. */
function validateAssumeRole(input: Json): void {
  const errors = [
    input.RoleSessionName === undefined ? violation('RoleSessionName', undefined, 'not be null') : stringViolation(input, 'RoleSessionName', 2, 64, '[\\w+=,.@-]*'),
    durationViolation(input),
    stringViolation(input, 'ExternalId', 2, 1224, '[\\w+=,.@:\\/-]*'),
    // The pattern has no ':', which also rules out the reserved 'aws:' prefix.
    stringViolation(input, 'SourceIdentity', 2, 64, '[\\w+=,.@-]*'),
  ].filter((e): e is string => e !== undefined);
  if (errors.length > 0) throw stsValidation(`${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: ${errors.join('; ')}`);
}

/** Evaluate the role's trust policy (when one is registered) for each action the request implies. */
function checkTrust(ctx: CallContext, roleArn: string, input: Json, sourceIdentity: string | undefined): void {
  const trust = ctx.shared.iam.role(roleArn)?.trustPolicy;
  if (!trust) return;
  const session = ctx.shared.sessions.get(ctx.accessKeyId);
  const caller: Caller = { arn: ctx.callerArn, accountId: ctx.accountId, session };
  const principals = [ctx.callerArn, `arn:aws:iam::${ctx.accountId}:root`, ...(session ? [session.roleArn] : [])];
  const context = { ...globalContext(caller, ctx.region), ...assumeRoleContext(input, sourceIdentity) };
  for (const action of assumeRoleActions(input, sourceIdentity)) {
    const decision = evaluate([trust], { action, resource: roleArn, principals, context }, 'trust');
    // An implicit deny by the trust policy reads without a reason clause.
    if (decision !== 'allow') throw accessDenied(ctx, action, roleArn, decision === 'explicitDeny' ? decision : undefined);
  }
}

function accessDenied(ctx: CallContext, action: string, roleArn: string, decision?: 'explicitDeny'): AwsError {
  return new AwsError('AccessDenied', deniedMessage(ctx.callerArn, { action, resource: roleArn }, decision, 'resource-based'), 403);
}

export const stsHandlers: Record<string, Handler> = {
  AssumeRole(ctx, input) {
    validateAssumeRole(input);
    const roleArn = str(input.RoleArn) ?? '';
    const sessionName = str(input.RoleSessionName) ?? '';
    const m = ROLE_RE.exec(roleArn);
    if (!m) throw stsValidation(`${roleArn} is invalid`);
    const targetAccount = m[1]!;
    const roleName = m[2]!;
    const caller = ctx.shared.sessions.get(ctx.accessKeyId);
    const duration = num(input.DurationSeconds) ?? 3600;
    if (caller && duration > CHAINED_MAX_SECONDS) throw stsValidation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const role = ctx.shared.iam.role(roleArn);
    if (role && duration > (role.maxSessionDuration ?? 3600)) throw stsValidation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const requested = str(input.SourceIdentity);
    if (caller?.sourceIdentity && requested !== undefined && requested !== caller.sourceIdentity) {
      // A source identity is fixed for the whole chain.
      throw accessDenied(ctx, 'sts:SetSourceIdentity', roleArn);
    }
    const sourceIdentity = requested ?? caller?.sourceIdentity;
    if (ctx.shared.unassumableRoles.has(roleArn)) {
      throw accessDenied(ctx, 'sts:AssumeRole', roleArn);
    }
    checkTrust(ctx, roleArn, input, sourceIdentity);
    if (ctx.shared.state.get(targetAccount, ctx.region).regionDisabled) {
      throw new AwsError('RegionDisabledException', `STS is not activated in this region for account:${targetAccount}. Your account administrator can activate STS in this region using the IAM Console.`, 403);
    }
    const seq = ctx.shared.nextSessionSeq();
    const accessKeyId = `ASIA${targetAccount}${seq.toString(36).toUpperCase().padStart(4, '0')}`;
    const roleId = `AROA${targetAccount}${roleName.length.toString().padStart(4, '0')}`.slice(0, 21);
    const arn = `arn:aws:sts::${targetAccount}:assumed-role/${roleName}/${sessionName}`;
    ctx.shared.sessions.set(accessKeyId, { accountId: targetAccount, arn, userId: `${roleId}:${sessionName}`, roleArn, roleId, issuedAt: ctx.now, sourceIdentity });
    const out: Json = {
      AssumedRoleUser: { AssumedRoleId: `${roleId}:${sessionName}`, Arn: arn },
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: `standin-secret-${seq}`,
        SessionToken: `standin-session-token-${seq}`,
        Expiration: new Date(ctx.now + duration * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      PackedPolicySize: 6,
    };
    if (sourceIdentity !== undefined) out.SourceIdentity = sourceIdentity;
    return out;
  },
  GetCallerIdentity(ctx) {
    const session = ctx.shared.sessions.get(ctx.accessKeyId);
    return {
      UserId: session?.userId ?? `AIDA${ctx.accountId}STANDIN`,
      Account: ctx.accountId,
      Arn: ctx.callerArn,
    };
  },
};

/** awsQuery form body: `Action`, scalars, and `List.member.N[.Field]` lists. */
export function parseQuery(body: string): { operation?: string; input: Json } {
  const form = new URLSearchParams(body);
  const input: Json = {};
  for (const [k, v] of form) {
    if (k === 'Action' || k === 'Version') continue;
    const m = /^(\w+)\.member\.(\d+)(?:\.(\w+))?$/.exec(k);
    if (!m) {
      input[k] = k === 'DurationSeconds' && /^\d+$/.test(v) ? Number(v) : v;
      continue;
    }
    const items = (input[m[1]!] ??= []) as unknown[];
    const i = Number(m[2]) - 1;
    items[i] = m[3] ? { ...(items[i] as Json | undefined), [m[3]]: v } : v;
  }
  return { operation: form.get('Action') ?? undefined, input };
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return xmlEscape(String(value));
  return Object.entries(value as Json)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
    .join('');
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function stsResponseXml(operation: string, result: Json, requestId: string): string {
  return `<${operation}Response xmlns="${NS}"><${operation}Result>${toXml(result)}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
}

export function stsErrorXml(e: AwsError, requestId: string): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${e.fault}</Type><Code>${xmlEscape(e.code)}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

export type { CallContext };
