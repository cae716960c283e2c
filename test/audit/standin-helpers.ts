import { defaultClientFactory, type ClientFactory } from '../../src/aws/clients.js';
import { loadAuditConfig, type AuditConfig } from '../../src/config.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startAwsStandin, type AwsStandin, type AwsStandinOptions } from '../support/aws-standin/index.js';

export const ACCOUNT = '111111111111';
export const ROLE_ARN = 'arn:aws:iam::111111111111:role/nb';

/** Fake long-term keys for the default credential chain (the stand-in maps unknown keys to ACCOUNT). */
export function useFakeCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'standin-secret';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}

/**
 * One stand-in for the enclosing file or describe block, started before its tests and closed after them; its
 * resources, faults and counters are reset after each test. Returns a getter (the stand-in exists once started).
 */
export function standinForTests(options: AwsStandinOptions = { transitionDelayMs: 0 }): () => AwsStandin {
  let standin: AwsStandin | undefined;
  beforeAll(async () => {
    standin = await startAwsStandin(options);
  });
  afterAll(async () => {
    await standin?.close();
  });
  afterEach(() => {
    standin?.state.clear();
    standin?.clearFaults();
    standin?.resetCounters();
  });
  return () => {
    if (!standin) throw new Error('the stand-in starts in beforeAll');
    return standin;
  };
}

export function testConfig(overrides: Record<string, string> = {}): AuditConfig {
  return loadAuditConfig({ AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '10', AUDIT_CONCURRENCY: '8', ...overrides });
}

export function factoryFor(standin: AwsStandin, maxAttempts = 10): ClientFactory {
  return defaultClientFactory({ maxAttempts, endpoint: standin.url });
}

export function createNotebook(standin: AwsStandin, accountId: string, region: string, name: string, extra: Record<string, unknown> = {}): void {
  standin.invoke('CreateNotebookInstance', { NotebookInstanceName: name, InstanceType: 'ml.t3.medium', RoleArn: ROLE_ARN, ...extra }, { accountId, region });
}

export function createNotebooks(standin: AwsStandin, accountId: string, region: string, count: number, prefix = 'nb'): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-${String(i).padStart(4, '0')}`;
    createNotebook(standin, accountId, region, name, { RootAccess: i % 2 === 0 ? 'Enabled' : 'Disabled' });
    names.push(name);
  }
  return names;
}

/** Operations the stand-in received, with counts. */
export function callsByOperation(standin: AwsStandin): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of standin.calls) out[c.operation] = (out[c.operation] ?? 0) + 1;
  return out;
}
