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
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional().transform((v) => v ?? 'redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[^:]+$/, 'must not contain ":"').optional().transform((v) => v ?? 'sagemaker-audit'),
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
  SHUTDOWN_TIMEOUT_SECONDS: int(25, 2, 600),
  WORKERS_NICE: int(10, 0, 19),
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

export interface AppConfig {
  slack: {
    botToken: string;
    signingSecret: string;
    appToken: string | undefined;
    apiUrl: string | undefined;
    port: number;
  };
  redisUrl: string;
  queuePrefix: string;
  approvers: { userIds: string[]; userGroupIds: string[] };
  twoPersonRule: boolean;
  digest: { channel: string | undefined; cron: string; tz: string };
  remediation: { mode: 'execute' | 'dry-run'; concurrency: number; accountRatePerSecond: number };
  securityHubSync: boolean;
  acceptRiskMaxDays: number;
  /** On SIGTERM/SIGINT the process has stopped within this bound (docker stop gives 10 s, Kubernetes 30 s). */
  shutdownTimeoutMs: number;
  /** `npm start`: nice value of the workers' process, so the web side's Slack acks run first (0 = same priority). */
  workersNice: number;
}

export type Config = AuditConfig & { app: AppConfig };

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
  return Object.freeze({
    ...audit,
    app: Object.freeze({
      slack: { botToken: app.SLACK_BOT_TOKEN, signingSecret: app.SLACK_SIGNING_SECRET, appToken: app.SLACK_APP_TOKEN, apiUrl: app.SLACK_API_URL, port: app.PORT },
      redisUrl: app.REDIS_URL,
      queuePrefix: app.QUEUE_PREFIX,
      approvers: {
        userIds: app.APPROVERS.filter((id) => !id.startsWith('S')),
        userGroupIds: app.APPROVERS.filter((id) => id.startsWith('S')),
      },
      twoPersonRule: app.TWO_PERSON_RULE,
      digest: { channel: app.DIGEST_CHANNEL, cron: app.DIGEST_CRON, tz: app.DIGEST_TZ },
      remediation: { mode: app.REMEDIATION_MODE, concurrency: app.REMEDIATION_CONCURRENCY, accountRatePerSecond: app.REMEDIATION_ACCOUNT_RATE },
      securityHubSync: app.SECURITYHUB_SYNC,
      acceptRiskMaxDays: app.ACCEPT_RISK_MAX_DAYS,
      shutdownTimeoutMs: app.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      workersNice: app.WORKERS_NICE,
    }),
  });
}
