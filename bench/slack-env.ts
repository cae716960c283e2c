import type { SlackStandin } from '../test/support/slack-standin/index.js';

/**
 * The app's environment for the Slack benchmarks: the Slack stand-in, the local (or REDIS_URL) Redis under its own
 * prefix, a fleet's accounts and regions assumed through one role, one approver.
 */
export function benchSlackEnv(o: { slack: SlackStandin; secret: string; prefix: string; accounts: string[]; regions: string[] }): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: o.slack.botToken,
    SLACK_SIGNING_SECRET: o.secret,
    SLACK_API_URL: o.slack.apiUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: o.prefix,
    AUDIT_REGIONS: o.regions.join(','),
    AUDIT_ACCOUNTS: o.accounts.join(','),
    AUDIT_ROLE: 'SageMakerAudit',
    APPROVERS: 'U0APPROVER',
    LOG_LEVEL: 'silent',
  };
}

/** Fake long-term keys for the SDK's default chain (the AWS stand-in accepts any), and no instance metadata lookups. */
export function useBenchCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
