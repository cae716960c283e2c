import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, CONTROL_ID_PATTERN, EXTERNAL_ID_PATTERN, REGION_PATTERN, SLACK_USER_OR_GROUP_PATTERN, roleProblem } from './validation.js';

/**
 * The only module that reads the environment. Everything else receives a parsed, frozen Config.
 * Each problem is reported with the variable's name so a person can fix their .env in one pass.
 */

const list = (fallback: string[] = []) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.split(',').map((s) => s.trim()).filter(Boolean)));

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).optional().transform((v) => v ?? fallback);


/** A role name or ARN template (`{accountId}`); empty means unset. */
const role = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const value = v?.trim();
    if (!value) return undefined;
    const problem = roleProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    return value;
  });

/** `host:port` pairs (Sentinels, Cluster seed nodes). */
const hostPorts = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const out: { host: string; port: number }[] = [];
    for (const item of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const m = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(item);
      const port = m ? Number(m[2]) : 0;
      if (!m || port < 1 || port > 65535) {
        ctx.addIssue({ code: 'custom', message: 'expected host:port pairs separated by commas' });
        return [];
      }
      out.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port });
    }
    return out;
  });

/**
 * What is wrong with a Redis URL, if anything. The message never repeats the URL: it may hold a password.
 */
export function redisUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid URL (expected redis://[user:password@]host[:port][/db] or rediss://…)';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return 'must be a redis:// or rediss:// URL';
  if (url.hostname === '') return 'has no host (expected redis://[user:password@]host[:port][/db])';
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d{1,2}$/.test(url.pathname)) return 'database must be a number (redis://host:6379/0)';
  return undefined;
}

const keyValues = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const out: Record<string, string> = {};
    for (const pair of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        ctx.addIssue({ code: 'custom', message: `expected key=value, got "${pair}"` });
        continue;
      }
      out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return out;
  });

/**
 * A setting whose value is a YAML or JSON file (JSON is YAML): read once at start-up and validated, so a bad file
 * stops start-up with one line per problem, each naming the variable, the file and the field.
 */
const fileSetting = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .optional()
    .transform((path, ctx): { path: string; content: z.output<T> } | undefined => {
      if (path === undefined || path.trim() === '') return undefined;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `cannot read ${path}: ${(err as Error).message.split('\n')[0]}` });
        return z.NEVER;
      }
      let raw: unknown;
      try {
        raw = parseYaml(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${path} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}` });
        return z.NEVER;
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${path}: ${issue.path.join('.') || '(file)'} ${issue.message}` });
        return z.NEVER;
      }
      return { path, content: parsed.data };
    });

const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,}$/;
const route = z.strictObject({
  channel: z.string().regex(SLACK_CHANNEL, 'must be a Slack channel id (C…)'),
  /** A user group to mention in the channel, e.g. the team that owns the resources. */
  mention: z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id (S…)').optional(),
});

/** ROUTING_FILE: which channel hears about which resources. */
const routingFile = z.strictObject({
  default: route,
  routes: z
    .array(
      route.extend({
        name: z.string().min(1).max(80),
        match: z
          .strictObject({
            accounts: z.array(z.string().regex(ACCOUNT_ID_PATTERN, 'not a 12-digit account id')).min(1).optional(),
            ous: z.array(z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'not an organizational unit or root id')).min(1).optional(),
            regions: z.array(z.string().regex(REGION_PATTERN, 'not an AWS region name')).min(1).optional(),
            tags: z.record(z.string().min(1), z.union([z.string(), z.array(z.string()).min(1)])).optional(),
          })
          .refine((m) => Object.keys(m).length > 0, 'needs at least one of accounts, ous, regions, tags'),
      }),
    )
    .default([]),
});
export type RoutingTable = z.output<typeof routingFile>;

/** How long one AWS call may wait: to connect, and for an answer (also the longest silence within one). */
export interface AwsTimeouts {
  connectMs: number;
  requestMs: number;
}

/** The defaults of AWS_CONNECT_TIMEOUT_MS and AWS_REQUEST_TIMEOUT_MS, also used for clients built without a config. */
export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = Object.freeze({ connectMs: 5000, requestMs: 30_000 });

/** A region variable of the SDK's own (empty = unset); checked here too because the CLI echoes what it audits. */
const sdkRegion = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v))
  .pipe(z.string().regex(REGION_PATTERN, 'not an AWS region name').optional());
const slackPrincipal = z.string().regex(SLACK_USER_OR_GROUP_PATTERN, 'not a Slack user (U…/W…) or user group (S…) id');

/** One value or a list of them, as a list. */
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

/** The APPROVAL_POLICY file (YAML or JSON): rules tried in order, the first that matches a fix decides. */
const policyFile = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1).max(80).optional(),
        match: z
          .strictObject({
            fixKind: oneOrMany(z.enum(['in-place', 'recreate'])).optional(),
            controls: oneOrMany(z.string().regex(CONTROL_ID_PATTERN, 'not a control id (SageMaker.N)')).optional(),
            severity: oneOrMany(z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'])).optional(),
            accounts: oneOrMany(z.string().regex(ACCOUNT_ID_PATTERN, 'not a 12-digit account id')).optional(),
            tags: z.record(z.string().min(1), oneOrMany(z.string())).optional(),
          })
          .optional(),
        approvers: z.array(slackPrincipal).min(1, 'lists nobody'),
        approvals: z.number().int().min(1).max(10).optional(),
        requesterMayApprove: z.boolean().optional(),
      }),
    )
    .min(1, 'has no rule (with none, nobody may approve: leave APPROVAL_POLICY unset instead)'),
  riskApprovers: z.array(slackPrincipal).min(1).optional(),
});

const auditEnv = z.object({
  AWS_REGION: sdkRegion,
  AWS_DEFAULT_REGION: sdkRegion,
  AUDIT_REGIONS: list().pipe(z.array(z.string().regex(REGION_PATTERN, 'not an AWS region name'))),
  AUDIT_ACCOUNTS: list().pipe(z.array(z.string().regex(ACCOUNT_ID_PATTERN, 'not a 12-digit account id'))),
  AUDIT_ROLE: role,
  AWS_ROLE_EXTERNAL_ID: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .pipe(z.string().regex(EXTERNAL_ID_PATTERN, 'must be 2-1224 characters of letters, digits and _+=,.@:/-').optional()),
  AUDIT_DISCOVER_ACCOUNTS: bool(false),
  AUDIT_CONCURRENCY: int(8, 1, 64),
  AWS_MAX_ATTEMPTS: int(6, 1, 20),
  AWS_CONNECT_TIMEOUT_MS: int(DEFAULT_AWS_TIMEOUTS.connectMs, 100, 120_000),
  AWS_REQUEST_TIMEOUT_MS: int(DEFAULT_AWS_TIMEOUTS.requestMs, 100, 900_000),
  SUPPORTED_PLATFORMS: list(['notebook-al2023-v1']),
  REQUIRED_TAG_KEYS: list().pipe(z.array(z.string()).max(6, 'at most 6 keys, as Security Hub allows')),
  REMEDIATION_TAGS: keyValues,
  MIN_INSTANCE_COUNT: int(2, 2, 100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().transform((v) => v ?? 'info'),
});

const redisUrl = z.string().superRefine((v, ctx) => {
  const problem = redisUrlProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Where Redis is (the app's, and the CLI's for accepted risks): a URL, ACL credentials, a CA for TLS, Sentinel or
 * Cluster. `defaultUrl`: the app assumes a local Redis; the CLI never does.
 */
const redisFields = (defaultUrl: string | undefined) => ({
  REDIS_URL: z
    .string()
    .optional()
    .transform((v) => v ?? defaultUrl)
    .pipe(redisUrl.optional()),
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  REDIS_SENTINELS: hostPorts,
  REDIS_SENTINEL_NAME: z.string().min(1).optional().transform((v) => v ?? 'mymaster'),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  REDIS_CLUSTER_NODES: hostPorts,
  QUEUE_PREFIX: z.string().regex(/^[^:]+$/, 'must not contain ":"').optional(),
});
type RedisEnv = z.output<z.ZodObject<ReturnType<typeof redisFields>>>;

function redisRefine(e: RedisEnv, ctx: z.RefinementCtx): void {
  const issue = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
  if (e.REDIS_SENTINELS.length > 0 && e.REDIS_CLUSTER_NODES.length > 0) issue('REDIS_CLUSTER_NODES', 'cannot be set together with REDIS_SENTINELS: choose Sentinel or Cluster');
  if (e.REDIS_TLS_CA_FILE !== undefined && !e.REDIS_URL?.startsWith('rediss://')) issue('REDIS_TLS_CA_FILE', 'is set but REDIS_URL is not a rediss:// (TLS) URL');
  // BullMQ on Redis Cluster: every key of a queue must hash to one slot. One tag for the whole prefix keeps every
  // key of the app (queues, proposals, risks, trail) in one slot, so multi-key scripts never cross slots.
  if (e.REDIS_CLUSTER_NODES.length > 0 && e.QUEUE_PREFIX !== undefined && !/^\{[^{}]+\}$/.test(e.QUEUE_PREFIX)) {
    issue('QUEUE_PREFIX', 'must be a hash tag such as {sagemaker-audit} with Redis Cluster (REDIS_CLUSTER_NODES)');
  }
}

function redisSettings(e: RedisEnv & { REDIS_URL: string }): { redis: RedisSettings; queuePrefix: string } {
  return {
    redis: Object.freeze({
      url: e.REDIS_URL,
      username: e.REDIS_USERNAME,
      password: e.REDIS_PASSWORD,
      tlsCaFile: e.REDIS_TLS_CA_FILE,
      sentinel: e.REDIS_SENTINELS.length > 0 ? { nodes: e.REDIS_SENTINELS, name: e.REDIS_SENTINEL_NAME, password: e.REDIS_SENTINEL_PASSWORD } : undefined,
      cluster: e.REDIS_CLUSTER_NODES.length > 0 ? { nodes: e.REDIS_CLUSTER_NODES } : undefined,
    }),
    queuePrefix: e.QUEUE_PREFIX ?? (e.REDIS_CLUSTER_NODES.length > 0 ? '{sagemaker-audit}' : 'sagemaker-audit'),
  };
}

const appEnv = z.object({
  SLACK_BOT_TOKEN: z.string({ error: 'is required' }).regex(/^xoxb-/, 'must be a bot token (xoxb-…)'),
  SLACK_SIGNING_SECRET: z.string({ error: 'is required' }).min(8, 'is too short'),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token (xapp-…)').optional(),
  SLACK_API_URL: z.url().optional(),
  PORT: int(3000, 1, 65535),
  ...redisFields('redis://127.0.0.1:6379'),
  APPROVERS: list().pipe(z.array(slackPrincipal)),
  TWO_PERSON_RULE: bool(false),
  APPROVAL_POLICY: fileSetting(policyFile),
  DIGEST_CHANNEL: z.string().optional(),
  DIGEST_CRON: z.string().optional().transform((v) => v ?? '0 9 * * *'),
  DIGEST_TZ: z.string().optional().transform((v) => v ?? 'UTC'),
  REMEDIATION_ROLE: role,
  REMEDIATION_MODE: z.enum(['execute', 'dry-run']).optional().transform((v) => v ?? 'execute'),
  REMEDIATION_CONCURRENCY: int(4, 1, 64),
  REMEDIATION_ACCOUNT_RATE: int(5, 1, 1000),
  SECURITYHUB_SYNC: bool(false),
  ACCEPT_RISK_MAX_DAYS: int(365, 1, 3650),
  EVENTS_QUEUE_URL: z.url().optional(),
  EVENTS_DEBOUNCE_SECONDS: int(10, 0, 300),
  ROUTING_FILE: fileSetting(routingFile),
  SHUTDOWN_TIMEOUT_SECONDS: int(25, 2, 600),
  WORKERS_NICE: int(10, 0, 19),
}).superRefine(redisRefine);

/** Parameters some controls take; the defaults are AWS's documented values (see src/controls/parameters.ts). */
export interface ControlParameters {
  /** SageMaker.8: platform identifiers that pass. */
  supportedPlatformIdentifiers: string[];
  /** SageMaker.6 / .7: tag keys that must be present (case-sensitive); empty means "at least one non-aws: tag". */
  requiredTagKeys: string[];
  /** SageMaker.6 / .7: key -> value the tag fix adds for missing keys. */
  remediationTagValues: Record<string, string>;
  /** SageMaker.4: the InitialInstanceCount the fix sets. */
  minimumInstanceCount: number;
}

export interface AuditConfig {
  regions: string[];
  accounts: string[];
  /** Role name, or ARN template with `{accountId}`, assumed in each listed account (read-only: the audit's role). */
  role: string | undefined;
  /** STS ExternalId passed when assuming the audit and remediation roles (their trust policies may require it). */
  externalId: string | undefined;
  discoverAccounts: boolean;
  /** Concurrent AWS calls per account and region. */
  concurrency: number;
  maxAttempts: number;
  /** Every SDK client gives up on a call after these (then the SDK retries, up to maxAttempts in all). */
  awsTimeouts: AwsTimeouts;
  controlParameters: ControlParameters;
  logLevel: string;
}

/** Slack users (U…/W…) and user groups (S…). */
export interface Principals {
  userIds: string[];
  userGroupIds: string[];
}

/** When a rule applies: every condition given must hold (a list matches any of its values). */
export interface ApprovalMatch {
  /** The kind of the fix that would run. */
  fixKind?: ('in-place' | 'recreate')[];
  /** Any control the fix claims. */
  controls?: string[];
  /** The most severe control the fix claims. */
  severity?: ('CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW')[];
  accounts?: string[];
  /** Resource tag key → accepted values (`*`: any value, the key must be there). */
  tags?: Record<string, string[]>;
}

export interface ApprovalRule {
  name: string;
  match: ApprovalMatch;
  approvers: Principals;
  /** Distinct approvers needed. */
  approvals: number;
  /** Whether the person who asked for the audit may be one of them. */
  requesterMayApprove: boolean;
}

/** Who may approve which fix; a fix no rule matches cannot be approved (deny by default). */
export interface ApprovalPolicy {
  /** Where the rules come from, for messages: the APPROVAL_POLICY file or APPROVERS. */
  source: string;
  rules: ApprovalRule[];
  /** Who may accept and revoke risks. */
  riskApprovers: Principals;
  /** Whether a rule looks at resource tags (then proposals read them). */
  usesTags: boolean;
}

/** Where Redis is and how to reach it (src/queue/connection.ts builds the connections from it). */
export interface RedisSettings {
  /** redis:// or rediss:// (TLS); with Sentinel or Cluster only its scheme, credentials and database are used. */
  url: string;
  /** Override the URL's ACL user and password. */
  username: string | undefined;
  password: string | undefined;
  /** PEM file of the CA that signed the server's certificate (rediss:// only); default: the system's CAs. */
  tlsCaFile: string | undefined;
  sentinel: { nodes: { host: string; port: number }[]; name: string; password: string | undefined } | undefined;
  cluster: { nodes: { host: string; port: number }[] } | undefined;
}

export interface AppConfig {
  slack: {
    botToken: string;
    signingSecret: string;
    appToken: string | undefined;
    apiUrl: string | undefined;
    port: number;
  };
  redis: RedisSettings;
  queuePrefix: string;
  approvalPolicy: ApprovalPolicy;
  digest: { channel: string | undefined; cron: string; tz: string };
  remediation: {
    mode: 'execute' | 'dry-run';
    concurrency: number;
    accountRatePerSecond: number;
    /**
     * Role name or ARN template assumed for each approved fix, in the fix's account only, as the approver. Unset: fixes
     * run with the audit's credentials.
     */
    role: string | undefined;
  };
  securityHubSync: boolean;
  acceptRiskMaxDays: number;
  /** Event-driven detection: the hub queue the app reads (none: only audits people and the digest ask for). */
  events: { queueUrl: string | undefined; debounceSeconds: number };
  /** Which channel hears about which resources; without a file, everything goes to the digest channel. */
  routing: RoutingTable | undefined;
  /** On SIGTERM/SIGINT the process has stopped within this bound (docker stop gives 10 s, Kubernetes 30 s). */
  shutdownTimeoutMs: number;
  /** `npm start`: nice value of the workers' process, so the web side's Slack acks run first (0 = same priority). */
  workersNice: number;
}

export type Config = AuditConfig & {
  app: AppConfig;
  /**
   * Every configured secret value (Slack tokens and signing secret, Redis passwords, AWS keys from the environment):
   * the logger blanks them wherever they appear in a line.
   */
  secrets: readonly string[];
};

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

function parse<T extends z.ZodType>(schema: T, env: Env): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`));
  }
  return result.data;
}

export function loadAuditConfig(env: Env): AuditConfig {
  const e = parse(auditEnv, env);
  const fallbackRegion = e.AWS_REGION ?? e.AWS_DEFAULT_REGION;
  return Object.freeze({
    regions: e.AUDIT_REGIONS.length > 0 ? e.AUDIT_REGIONS : fallbackRegion ? [fallbackRegion] : [],
    accounts: e.AUDIT_ACCOUNTS,
    role: e.AUDIT_ROLE,
    externalId: e.AWS_ROLE_EXTERNAL_ID,
    discoverAccounts: e.AUDIT_DISCOVER_ACCOUNTS,
    concurrency: e.AUDIT_CONCURRENCY,
    maxAttempts: e.AWS_MAX_ATTEMPTS,
    awsTimeouts: Object.freeze({ connectMs: e.AWS_CONNECT_TIMEOUT_MS, requestMs: e.AWS_REQUEST_TIMEOUT_MS }),
    controlParameters: Object.freeze({
      supportedPlatformIdentifiers: e.SUPPORTED_PLATFORMS,
      requiredTagKeys: e.REQUIRED_TAG_KEYS,
      remediationTagValues: e.REMEDIATION_TAGS,
      minimumInstanceCount: e.MIN_INSTANCE_COUNT,
    }),
    logLevel: e.LOG_LEVEL,
  });
}

/**
 * Where the CLI finds the app's accepted risks: the app's Redis (REDIS_URL, and QUEUE_PREFIX when the app sets one),
 * or nothing when REDIS_URL is not set (the CLI never assumes a local Redis).
 */
export interface RiskSourceConfig {
  /** Unset when REDIS_URL is not set. */
  redis: RedisSettings | undefined;
  queuePrefix: string;
}

export function loadRiskSourceConfig(env: Env): RiskSourceConfig {
  const e = parse(z.object(redisFields(undefined)).superRefine(redisRefine), env);
  const { redis, queuePrefix } = redisSettings({ ...e, REDIS_URL: e.REDIS_URL ?? '' });
  return Object.freeze({ redis: e.REDIS_URL === undefined ? undefined : redis, queuePrefix });
}

export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  let audit: AuditConfig | undefined;
  let app: z.output<typeof appEnv> | undefined;
  try {
    audit = loadAuditConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    app = parse(appEnv, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  let approvalPolicy: ApprovalPolicy | undefined;
  if (app) {
    try {
      approvalPolicy = loadApprovalPolicy(app);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (app?.EVENTS_QUEUE_URL && !app.ROUTING_FILE && !app.DIGEST_CHANNEL) {
    problems.push('EVENTS_QUEUE_URL needs ROUTING_FILE or DIGEST_CHANNEL: the channel where what an event finds is posted');
  }
  if (!audit || !app || !approvalPolicy || problems.length > 0) throw new ConfigError(problems);
  const urlPassword = app.REDIS_URL ? decodeURIComponent(new URL(app.REDIS_URL).password) : undefined;
  const secrets = [app.SLACK_BOT_TOKEN, app.SLACK_SIGNING_SECRET, app.SLACK_APP_TOKEN, app.REDIS_PASSWORD, app.REDIS_SENTINEL_PASSWORD, urlPassword, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN];
  return Object.freeze({
    ...audit,
    secrets: Object.freeze([...new Set(secrets.filter((v): v is string => v !== undefined && v.length >= 6))]),
    app: Object.freeze({
      slack: { botToken: app.SLACK_BOT_TOKEN, signingSecret: app.SLACK_SIGNING_SECRET, appToken: app.SLACK_APP_TOKEN, apiUrl: app.SLACK_API_URL, port: app.PORT },
      ...redisSettings({ ...app, REDIS_URL: app.REDIS_URL ?? 'redis://127.0.0.1:6379' }),
      approvalPolicy,
      digest: { channel: app.DIGEST_CHANNEL, cron: app.DIGEST_CRON, tz: app.DIGEST_TZ },
      remediation: {
        mode: app.REMEDIATION_MODE,
        concurrency: app.REMEDIATION_CONCURRENCY,
        accountRatePerSecond: app.REMEDIATION_ACCOUNT_RATE,
        role: app.REMEDIATION_ROLE,
      },
      securityHubSync: app.SECURITYHUB_SYNC,
      acceptRiskMaxDays: app.ACCEPT_RISK_MAX_DAYS,
      events: { queueUrl: app.EVENTS_QUEUE_URL, debounceSeconds: app.EVENTS_DEBOUNCE_SECONDS },
      routing: app.ROUTING_FILE?.content,
      shutdownTimeoutMs: app.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      workersNice: app.WORKERS_NICE,
    }),
  });
}

function principals(ids: readonly string[]): Principals {
  const unique = [...new Set(ids)];
  return { userIds: unique.filter((id) => !id.startsWith('S')), userGroupIds: unique.filter((id) => id.startsWith('S')) };
}

/**
 * The approval policy: the APPROVAL_POLICY file, or its simple form from APPROVERS and TWO_PERSON_RULE (one rule for
 * every fix: one approver from APPROVERS, who may not be the requester when TWO_PERSON_RULE is on). No APPROVERS and
 * no file: no rule, so nobody may approve.
 */
function loadApprovalPolicy(app: { APPROVERS: string[]; TWO_PERSON_RULE: boolean; APPROVAL_POLICY?: { path: string; content: z.output<typeof policyFile> } | undefined }): ApprovalPolicy {
  if (app.APPROVAL_POLICY === undefined) {
    const approvers = principals(app.APPROVERS);
    const rules: ApprovalRule[] =
      app.APPROVERS.length === 0 ? [] : [{ name: 'APPROVERS', match: {}, approvers, approvals: 1, requesterMayApprove: !app.TWO_PERSON_RULE }];
    return { source: 'APPROVERS', rules, riskApprovers: approvers, usesTags: false };
  }
  if (app.APPROVERS.length > 0) throw new ConfigError(['APPROVAL_POLICY replaces APPROVERS and TWO_PERSON_RULE: set one or the other']);
  const { path, content } = app.APPROVAL_POLICY;
  const problems: string[] = [];
  const rules = content.rules.map((r, i): ApprovalRule => {
    const approvers = principals(r.approvers);
    const rule: ApprovalRule = {
      name: r.name ?? `rule ${i + 1}`,
      match: { ...r.match, ...(r.match?.controls ? { controls: r.match.controls.map(canonicalControlId) } : {}) },
      approvers,
      approvals: r.approvals ?? 1,
      requesterMayApprove: r.requesterMayApprove ?? false,
    };
    if (approvers.userGroupIds.length === 0 && approvers.userIds.length < rule.approvals) {
      problems.push(`APPROVAL_POLICY ${path}: rules.${i} needs ${rule.approvals} approvers but lists ${approvers.userIds.length} user(s) and no user group`);
    }
    return rule;
  });
  const names = rules.map((r) => r.name);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) problems.push(`APPROVAL_POLICY ${path}: rule name ${twice[0]} is used twice`);
  if (problems.length > 0) throw new ConfigError(problems);
  const everyone = principals(rules.flatMap((r) => [...r.approvers.userIds, ...r.approvers.userGroupIds]));
  return {
    source: `APPROVAL_POLICY (${path})`,
    rules,
    riskApprovers: content.riskApprovers ? principals(content.riskApprovers) : everyone,
    usesTags: rules.some((r) => r.match.tags !== undefined),
  };
}

/** `sagemaker.3` → `SageMaker.3`, as the catalog spells it. */
function canonicalControlId(id: string): string {
  return `SageMaker.${id.slice(id.indexOf('.') + 1)}`;
}

