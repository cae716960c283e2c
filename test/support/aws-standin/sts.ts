import type { CallContext, Handler, Json } from './context.js';
import { num, str } from './context.js';
import { AwsError } from './errors.js';

const ROLE_RE = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

export function stsValidation(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

export const stsHandlers: Record<string, Handler> = {
  AssumeRole(ctx, input) {
    const roleArn = str(input.RoleArn) ?? '';
    const session = str(input.RoleSessionName) ?? '';
    const m = ROLE_RE.exec(roleArn);
    if (!m) throw stsValidation(`1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must satisfy the role ARN format`);
    if (!/^[\w+=,.@-]{2,64}$/.test(session)) throw stsValidation(`1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    const duration = num(input.DurationSeconds) ?? 3600;
    if (duration < 900 || duration > 43_200) throw stsValidation(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
    const targetAccount = m[1]!;
    const roleName = m[2]!;
    if (ctx.shared.unassumableRoles.has(roleArn)) {
      throw new AwsError('AccessDenied', `User: ${ctx.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    if (ctx.shared.state.get(targetAccount, ctx.region).regionDisabled) {
      throw new AwsError('RegionDisabledException', `STS is not activated in this region for account:${targetAccount}. Your account administrator can activate STS in this region using the IAM Console.`, 403);
    }
    const seq = ctx.shared.nextSessionSeq();
    const accessKeyId = `ASIA${targetAccount}${seq.toString(36).toUpperCase().padStart(4, '0')}`;
    const roleId = `AROA${targetAccount}${roleName.length.toString().padStart(4, '0')}`.slice(0, 21);
    const arn = `arn:aws:sts::${targetAccount}:assumed-role/${roleName}/${session}`;
    ctx.shared.sessions.set(accessKeyId, { accountId: targetAccount, arn, userId: `${roleId}:${session}` });
    return {
      AssumedRoleUser: { AssumedRoleId: `${roleId}:${session}`, Arn: arn },
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: `standin-secret-${seq}`,
        SessionToken: `standin-session-token-${seq}`,
        Expiration: new Date(ctx.now + duration * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      PackedPolicySize: 6,
    };
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
