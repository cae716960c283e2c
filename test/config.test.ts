import { describe, expect, it } from 'vitest';
import { ConfigError, loadAuditConfig, loadConfig } from '../src/config.js';

const app = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'secret-secret',
};

describe('loadAuditConfig', () => {
  it('falls back to AWS_REGION and the documented control defaults', () => {
    const config = loadAuditConfig({ AWS_REGION: 'eu-west-1' });
    expect(config.regions).toEqual(['eu-west-1']);
    expect(config.accounts).toEqual([]);
    expect(config.controlParameters.supportedPlatformIdentifiers).toEqual(['notebook-al2023-v1']);
    expect(config.controlParameters.minimumInstanceCount).toBe(2);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses lists and key=value pairs', () => {
    const config = loadAuditConfig({
      AUDIT_REGIONS: 'us-east-1, eu-central-1',
      AUDIT_ACCOUNTS: '111111111111,222222222222',
      REQUIRED_TAG_KEYS: 'owner,cost-center',
      REMEDIATION_TAGS: 'owner=platform, cost-center=1234',
    });
    expect(config.regions).toEqual(['us-east-1', 'eu-central-1']);
    expect(config.accounts).toEqual(['111111111111', '222222222222']);
    expect(config.controlParameters.remediationTagValues).toEqual({ owner: 'platform', 'cost-center': '1234' });
  });

  it('names every malformed variable at once', () => {
    let error: unknown;
    try {
      loadAuditConfig({ AUDIT_REGIONS: 'mars-1', AUDIT_ACCOUNTS: '12', REMEDIATION_TAGS: 'novalue' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/AUDIT_REGIONS/);
    expect(problems).toMatch(/AUDIT_ACCOUNTS/);
    expect(problems).toMatch(/REMEDIATION_TAGS/);
  });
});

describe('roles', () => {
  it('AUDIT_ROLE, REMEDIATION_ROLE (names or ARN templates) and AWS_ROLE_EXTERNAL_ID; empty means unset', () => {
    const config = loadConfig({ ...app, AUDIT_ROLE: 'team/Auditor', REMEDIATION_ROLE: 'arn:aws:iam::{accountId}:role/Fixer', AWS_ROLE_EXTERNAL_ID: 'urn:ext/1' });
    expect(config.role).toBe('team/Auditor');
    expect(config.app.remediation.role).toBe('arn:aws:iam::{accountId}:role/Fixer');
    expect(config.externalId).toBe('urn:ext/1');
    const unset = loadConfig({ ...app, AUDIT_ROLE: '', REMEDIATION_ROLE: ' ', AWS_ROLE_EXTERNAL_ID: '' });
    expect([unset.role, unset.app.remediation.role, unset.externalId]).toEqual([undefined, undefined, undefined]);
  });

  it('names each bad role value and a bad external id, all at once', () => {
    let error: unknown;
    try {
      loadConfig({ ...app, AUDIT_ROLE: 'arn:aws:iam::123456789012:role/Fixed', REMEDIATION_ROLE: 'has space', AWS_ROLE_EXTERNAL_ID: 'x' });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).problems).toEqual([
      'AUDIT_ROLE role ARN template must contain {accountId}: "arn:aws:iam::123456789012:role/Fixed"',
      'AWS_ROLE_EXTERNAL_ID must be 2-1224 characters of letters, digits and _+=,.@:/-',
      'REMEDIATION_ROLE not an IAM role name (letters, digits and _+=,.@-, at most 64, optionally after a path): "has space"',
    ]);
  });
});

describe('loadConfig', () => {
  it('requires the Slack secrets and names the missing ones', () => {
    expect(() => loadConfig({})).toThrow(/SLACK_BOT_TOKEN[\s\S]*SLACK_SIGNING_SECRET/);
  });

  it('splits approvers into users and user groups and applies defaults', () => {
    const config = loadConfig({ ...app, APPROVERS: 'U0123ABC,S0999XYZ,W0456DEF' });
    expect(config.app.approvalPolicy.rules).toEqual([
      { name: 'APPROVERS', match: {}, approvers: { userIds: ['U0123ABC', 'W0456DEF'], userGroupIds: ['S0999XYZ'] }, approvals: 1, requesterMayApprove: true },
    ]);
    expect(config.app.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.app.slack.port).toBe(3000);
    expect(config.app.digest).toEqual({ channel: undefined, cron: '0 9 * * *', tz: 'UTC' });
    expect(config.app.remediation.mode).toBe('execute');
  });

  it('rejects a queue prefix with ":" (BullMQ keys) and a wrong token kind', () => {
    expect(() => loadConfig({ ...app, QUEUE_PREFIX: 'a:b' })).toThrow(/QUEUE_PREFIX/);
    expect(() => loadConfig({ ...app, SLACK_BOT_TOKEN: 'xoxp-user' })).toThrow(/SLACK_BOT_TOKEN must be a bot token/);
  });
});

describe('Redis settings', () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ ...app, ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('rejects a malformed REDIS_URL in one line naming it, without repeating the URL (it may hold a password)', () => {
    expect(problems({ REDIS_URL: 'redis://:::::@@@/abc' })).toEqual(['REDIS_URL is not a valid URL (expected redis://[user:password@]host[:port][/db] or rediss://…)']);
    expect(problems({ REDIS_URL: 'http://u:hunter2@cache:6379' })).toEqual(['REDIS_URL must be a redis:// or rediss:// URL']);
    expect(problems({ REDIS_URL: 'redis:///x' })).toEqual(['REDIS_URL has no host (expected redis://[user:password@]host[:port][/db])']);
    expect(problems({ REDIS_URL: 'redis://cache:6379/queue' })).toEqual(['REDIS_URL database must be a number (redis://host:6379/0)']);
    expect(problems({ REDIS_URL: 'rediss://user:p%40ss@cache.internal:6380/2' })).toEqual([]);
  });

  it('reads Sentinel and Cluster nodes, and refuses both at once', () => {
    const sentinel = loadConfig({ ...app, REDIS_SENTINELS: 'sentinel-a:26379, [::1]:26380', REDIS_SENTINEL_PASSWORD: 'sentinel-pass' }).app.redis;
    expect(sentinel.sentinel).toEqual({ nodes: [{ host: 'sentinel-a', port: 26379 }, { host: '::1', port: 26380 }], name: 'mymaster', password: 'sentinel-pass' });
    expect(sentinel.cluster).toBeUndefined();
    expect(problems({ REDIS_SENTINELS: 'sentinel-a' })).toEqual(['REDIS_SENTINELS expected host:port pairs separated by commas']);
    expect(problems({ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' })).toEqual(['REDIS_CLUSTER_NODES cannot be set together with REDIS_SENTINELS: choose Sentinel or Cluster']);
  });

  it('with Cluster the queue prefix is a hash tag: {sagemaker-audit} by default, a plain one refused', () => {
    expect(loadConfig({ ...app, REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' }).app.queuePrefix).toBe('{sagemaker-audit}');
    expect(loadConfig({ ...app, REDIS_CLUSTER_NODES: 'n1:7000', QUEUE_PREFIX: '{team-a}' }).app.queuePrefix).toBe('{team-a}');
    expect(problems({ REDIS_CLUSTER_NODES: 'n1:7000', QUEUE_PREFIX: 'team-a' })).toEqual(['QUEUE_PREFIX must be a hash tag such as {sagemaker-audit} with Redis Cluster (REDIS_CLUSTER_NODES)']);
    expect(loadConfig(app).app.queuePrefix).toBe('sagemaker-audit');
  });

  it('a CA file needs a rediss:// URL', () => {
    expect(problems({ REDIS_TLS_CA_FILE: '/etc/ssl/redis-ca.pem' })).toEqual(['REDIS_TLS_CA_FILE is set but REDIS_URL is not a rediss:// (TLS) URL']);
    expect(loadConfig({ ...app, REDIS_URL: 'rediss://cache:6380', REDIS_TLS_CA_FILE: '/etc/ssl/redis-ca.pem' }).app.redis.tlsCaFile).toBe('/etc/ssl/redis-ca.pem');
  });

  it('lists every configured secret for the logger to blank', () => {
    const config = loadConfig({
      ...app,
      SLACK_APP_TOKEN: 'xapp-1-A1-2-appsecret',
      REDIS_URL: 'redis://app:url%2Fpassword@cache:6379',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pass',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    expect([...config.secrets].sort()).toEqual(['secret-secret', 'xoxb-1-2-abc', 'xapp-1-A1-2-appsecret', 'url/password', 'sentinel-pass', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'].sort());
  });
});
