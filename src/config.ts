import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, SLACK_USER_OR_GROUP_PATTERN } from './validation.js';

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

const auditEnv = z.object({
  AWS_REGION: z.string().optional(),
  AWS_DEFAULT_REGION: z.string().optional(),
  AUDIT_REGIONS: list().pipe(z.array(z.string().regex(REGION_PATTERN, 'not an AWS region name'))),
  AUDIT_ACCOUNTS: list().pipe(z.array(z.string().regex(ACCOUNT_ID_PATTERN, 'not a 12-digit account id'))),
  AUDIT_ROLE: z.string().optional(),
  AUDIT_DISCOVER_ACCOUNTS: bool(false),
  AUDIT_CONCURRENCY: int(8, 1, 64),
  AWS_MAX_ATTEMPTS: int(6, 1, 20),
  SUPPORTED_PLATFORMS: list(['notebook-al2023-v1']),
  REQUIRED_TAG_KEYS: list().pipe(z.array(z.string()).max(6, 'at most 6 keys, as Security Hub allows')),
  REMEDIATION_TAGS: keyValues,
  MIN_INSTANCE_COUNT: int(2, 2, 100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().transform((v) => v ?? 'info'),
});

const appEnv = z.object({
  SLACK_BOT_TOKEN: z.string({ error: 'is required' }).regex(/^xoxb-/, 'must be a bot token (xoxb-…)'),
  SLACK_SIGNING_SECRET: z.string({ error: 'is required' }).min(8, 'is too short'),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token (xapp-…)').optional(),
  SLACK_API_URL: z.url().optional(),
  PORT: int(3000, 1, 65535),
  REDIS_URL: z
    .string()
    .optional()
    .transform((v) => v ?? 'redis://127.0.0.1:6379')
    .superRefine((v, ctx) => {
      const problem = redisUrlProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  REDIS_SENTINELS: hostPorts,
  REDIS_SENTINEL_NAME: z.string().min(1).optional().transform((v) => v ?? 'mymaster'),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  REDIS_CLUSTER_NODES: hostPorts,
  QUEUE_PREFIX: z.string().regex(/^[^:]+$/, 'must not contain ":"').optional(),
  APPROVERS: list().pipe(z.array(z.string().regex(SLACK_USER_OR_GROUP_PATTERN, 'not a Slack user (U…/W…) or user group (S…) id'))),
  TWO_PERSON_RULE: bool(false),
  DIGEST_CHANNEL: z.string().optional(),
  DIGEST_CRON: z.string().optional().transform((v) => v ?? '0 9 * * *'),
  DIGEST_TZ: z.string().optional().transform((v) => v ?? 'UTC'),
  REMEDIATION_MODE: z.enum(['execute', 'dry-run']).optional().transform((v) => v ?? 'execute'),
  REMEDIATION_CONCURRENCY: int(4, 1, 64),
  REMEDIATION_ACCOUNT_RATE: int(5, 1, 1000),
  SECURITYHUB_SYNC: bool(false),
  ACCEPT_RISK_MAX_DAYS: int(365, 1, 3650),
}).superRefine((e, ctx) => {
  const issue = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
  if (e.REDIS_SENTINELS.length > 0 && e.REDIS_CLUSTER_NODES.length > 0) issue('REDIS_CLUSTER_NODES', 'cannot be set together with REDIS_SENTINELS: choose Sentinel or Cluster');
  if (e.REDIS_TLS_CA_FILE !== undefined && !e.REDIS_URL.startsWith('rediss://')) issue('REDIS_TLS_CA_FILE', 'is set but REDIS_URL is not a rediss:// (TLS) URL');
  // BullMQ on Redis Cluster: every key of a queue must hash to one slot. One tag for the whole prefix keeps every
  // key of the app (queues, proposals, risks, trail) in one slot, so multi-key scripts never cross slots.
  if (e.REDIS_CLUSTER_NODES.length > 0 && e.QUEUE_PREFIX !== undefined && !/^\{[^{}]+\}$/.test(e.QUEUE_PREFIX)) {
    issue('QUEUE_PREFIX', 'must be a hash tag such as {sagemaker-audit} with Redis Cluster (REDIS_CLUSTER_NODES)');
  }
});

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
  /** Role name, or ARN template with `{accountId}`, assumed in each listed account. */
  role: string | undefined;
  discoverAccounts: boolean;
  /** Concurrent AWS calls per account and region. */
  concurrency: number;
  maxAttempts: number;
  controlParameters: ControlParameters;
  logLevel: string;
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
  approvers: { userIds: string[]; userGroupIds: string[] };
  twoPersonRule: boolean;
  digest: { channel: string | undefined; cron: string; tz: string };
  remediation: { mode: 'execute' | 'dry-run'; concurrency: number; accountRatePerSecond: number };
  securityHubSync: boolean;
  acceptRiskMaxDays: number;
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
    discoverAccounts: e.AUDIT_DISCOVER_ACCOUNTS,
    concurrency: e.AUDIT_CONCURRENCY,
    maxAttempts: e.AWS_MAX_ATTEMPTS,
    controlParameters: Object.freeze({
      supportedPlatformIdentifiers: e.SUPPORTED_PLATFORMS,
      requiredTagKeys: e.REQUIRED_TAG_KEYS,
      remediationTagValues: e.REMEDIATION_TAGS,
      minimumInstanceCount: e.MIN_INSTANCE_COUNT,
    }),
    logLevel: e.LOG_LEVEL,
  });
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
  if (!audit || !app) throw new ConfigError(problems);
  const urlPassword = decodeURIComponent(new URL(app.REDIS_URL).password);
  const secrets = [app.SLACK_BOT_TOKEN, app.SLACK_SIGNING_SECRET, app.SLACK_APP_TOKEN, app.REDIS_PASSWORD, app.REDIS_SENTINEL_PASSWORD, urlPassword, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN];
  return Object.freeze({
    ...audit,
    secrets: Object.freeze([...new Set(secrets.filter((v): v is string => v !== undefined && v.length >= 6))]),
    app: Object.freeze({
      slack: { botToken: app.SLACK_BOT_TOKEN, signingSecret: app.SLACK_SIGNING_SECRET, appToken: app.SLACK_APP_TOKEN, apiUrl: app.SLACK_API_URL, port: app.PORT },
      redis: Object.freeze({
        url: app.REDIS_URL,
        username: app.REDIS_USERNAME,
        password: app.REDIS_PASSWORD,
        tlsCaFile: app.REDIS_TLS_CA_FILE,
        sentinel: app.REDIS_SENTINELS.length > 0 ? { nodes: app.REDIS_SENTINELS, name: app.REDIS_SENTINEL_NAME, password: app.REDIS_SENTINEL_PASSWORD } : undefined,
        cluster: app.REDIS_CLUSTER_NODES.length > 0 ? { nodes: app.REDIS_CLUSTER_NODES } : undefined,
      }),
      queuePrefix: app.QUEUE_PREFIX ?? (app.REDIS_CLUSTER_NODES.length > 0 ? '{sagemaker-audit}' : 'sagemaker-audit'),
      approvers: {
        userIds: app.APPROVERS.filter((id) => !id.startsWith('S')),
        userGroupIds: app.APPROVERS.filter((id) => id.startsWith('S')),
      },
      twoPersonRule: app.TWO_PERSON_RULE,
      digest: { channel: app.DIGEST_CHANNEL, cron: app.DIGEST_CRON, tz: app.DIGEST_TZ },
      remediation: { mode: app.REMEDIATION_MODE, concurrency: app.REMEDIATION_CONCURRENCY, accountRatePerSecond: app.REMEDIATION_ACCOUNT_RATE },
      securityHubSync: app.SECURITYHUB_SYNC,
      acceptRiskMaxDays: app.ACCEPT_RISK_MAX_DAYS,
    }),
  });
}
