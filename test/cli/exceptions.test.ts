import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report.js';
import { main } from '../../src/cli/main.js';
import { RiskStore } from '../../src/risks/store.js';
import { AuditTrail } from '../../src/trail.js';
import { createNotebook, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../queue/redis.js';

/**
 * Accepted risks in the CLI, in process (the real `main`, the real SDK against the AWS stand-in, real Redis): a scan
 * marks accepted results SUPPRESSED from the app's Redis, or from an exported file when Redis cannot be reached, in
 * every format, and exits 0 when only suppressed results fail.
 */

const ACCOUNT = '111111111111';
const redis = testRedis();
const dir = mkdtempSync(join(tmpdir(), 'cli-risks-'));
let aws: AwsStandin;
let prefix: string;
const prefixes: string[] = [];

beforeAll(async () => {
  useFakeCredentials();
  aws = await startAwsStandin({ defaultAccountId: ACCOUNT, transitionDelayMs: 0 });
  process.env.AWS_ENDPOINT_URL = aws.url;
  createNotebook(aws, ACCOUNT, 'us-east-1', 'root-nb', { RootAccess: 'Enabled' });
  createNotebook(aws, ACCOUNT, 'us-east-1', 'safe-nb', { RootAccess: 'Disabled' });
});
afterEach(async () => {
  for (const p of prefixes.splice(0)) await deletePrefix(redis, p);
});
afterAll(async () => {
  await aws.close();
  delete process.env.AWS_ENDPOINT_URL;
  await redis.quit();
});

function newPrefix(): string {
  prefix = uniquePrefix('cli-risks');
  prefixes.push(prefix);
  return prefix;
}

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { AWS_REGION: 'us-east-1', ...env }, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), columns: 200 });
  return { code, stdout, stderr };
}

const scan = (format: string, env: Record<string, string>, extra: string[] = []) => cli(['scan', '--regions', 'us-east-1', '--controls', 'SageMaker.3', '--source', 'sagemaker', '--format', format, ...extra], env);

async function acceptRootNb(p: string): Promise<void> {
  const store = new RiskStore(redis, p, new AuditTrail(redis, p));
  await store.accept({
    target: { controlId: 'SageMaker.3', accountId: ACCOUNT, region: 'us-east-1', resourceArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:notebook-instance/root-nb`, resourceName: 'root-nb' },
    scope: 'resource',
    reason: 'lab notebook, isolated VPC, owner rebuilds it in Q3',
    expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    acceptedBy: 'U0APPROVER',
  });
}

describe('scan with the app’s accepted risks', () => {
  it('from Redis: SUPPRESSED with who, why and until when, in every format; exit 0 when only suppressed results fail', async () => {
    const p = newPrefix();
    await acceptRootNb(p);
    const env = { REDIS_URL, QUEUE_PREFIX: p };

    const json = await scan('json', env);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toContain(`accepted risks: 1 from ${REDIS_URL} (prefix ${p})`);
    const report = JSON.parse(json.stdout) as AuditReport;
    const root = report.results.find((r) => r.resourceName === 'root-nb')!;
    expect(root).toMatchObject({ status: 'SUPPRESSED', acceptedRisk: { acceptedBy: 'U0APPROVER', reason: 'lab notebook, isolated VPC, owner rebuilds it in Q3', scope: 'resource' } });
    expect(report.summary.byStatus).toMatchObject({ FAILED: 0, SUPPRESSED: 1 });

    const csv = await scan('csv', env);
    const [header, ...rows] = csv.stdout.trim().split('\r\n');
    expect(header!.split(',').slice(-4)).toEqual(['acceptedBy', 'acceptedReason', 'acceptedUntil', 'acceptedScope']);
    const row = rows.find((r) => r.includes('root-nb'))!;
    expect(row.startsWith('SUPPRESSED,')).toBe(true);
    expect(row).toContain(',U0APPROVER,"lab notebook, isolated VPC, owner rebuilds it in Q3",');

    for (const format of ['table', 'markdown']) {
      const out = await scan(format, env);
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/SUPPRESSED.*accepted by U0APPROVER until \d{4}-\d{2}-\d{2}: lab notebook/);
    }
  });

  it('without any source nothing is suppressed, silently, and the failure counts (exit 1)', async () => {
    const out = await scan('json', {});
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('');
    expect((JSON.parse(out.stdout) as AuditReport).summary.byStatus.FAILED).toBe(1);
  });

  it('export, then a pipeline without Redis scans with --exceptions FILE; import puts them in another Redis', async () => {
    const p = newPrefix();
    await acceptRootNb(p);
    const file = join(dir, 'risks.json');
    const exported = await cli(['exceptions', 'export', '--output', file], { REDIS_URL, QUEUE_PREFIX: p });
    expect(exported.code, exported.stderr).toBe(0);
    const content = JSON.parse(readFileSync(file, 'utf8')) as { format: string; risks: unknown[] };
    expect(content.format).toBe('sagemaker-audit/accepted-risks');
    expect(content.risks).toHaveLength(1);

    // Redis unreachable (nothing listens on port 1): a warning, then the file.
    const offline = await scan('json', { REDIS_URL: 'redis://127.0.0.1:1' }, ['--exceptions', file]);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stderr).toMatch(/warning: accepted risks not read from redis:\/\/127\.0\.0\.1:1 .*; using /);
    expect(offline.stderr).toContain(`accepted risks: 1 from ${file}`);
    expect((JSON.parse(offline.stdout) as AuditReport).results.find((r) => r.resourceName === 'root-nb')?.status).toBe('SUPPRESSED');

    const other = newPrefix();
    const imported = await cli(['exceptions', 'import', file], { REDIS_URL, QUEUE_PREFIX: other });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('1 imported, 0 updated, 0 skipped');
    const [risk] = await new RiskStore(redis, other).listActive();
    expect(risk).toMatchObject({ acceptedBy: 'U0APPROVER', reason: 'lab notebook, isolated VPC, owner rebuilds it in Q3' });
    const trail = await new AuditTrail(redis, other).history();
    expect(trail[0]).toMatchObject({ type: 'risk-accepted', actor: 'cli-import' });
    // Importing again updates the same risk instead of adding a second one.
    expect((await cli(['exceptions', 'import', file], { REDIS_URL, QUEUE_PREFIX: other })).stderr).toContain('0 imported, 1 updated');
    expect(await new RiskStore(redis, other).listActive()).toHaveLength(1);
  });

  it('bad input: one line, exit 2, nothing changed', async () => {
    const noRedis = await cli(['exceptions', 'export']);
    expect(noRedis).toMatchObject({ code: 2, stdout: '' });
    expect(noRedis.stderr).toBe("error: exceptions export needs REDIS_URL: the app's Redis, where accepted risks live\n");

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'sagemaker-audit/accepted-risks', version: 1, exportedAt: new Date().toISOString(), risks: [{ id: 'r1', controlId: 'S3.1' }] }));
    const p = newPrefix();
    const rejected = await cli(['exceptions', 'import', bad], { REDIS_URL, QUEUE_PREFIX: p });
    expect(rejected.code).toBe(2);
    expect(rejected.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(rejected.stderr).toContain('risks.0.controlId not a control id');
    expect(await new RiskStore(redis, p).listActive()).toEqual([]);

    expect((await cli(['exceptions', 'import'])).stderr).toContain('exceptions import needs one FILE');
    expect((await cli(['exceptions', 'drop'])).stderr).toContain('unknown exceptions action "drop"');
    expect((await scan('json', {}, ['--exceptions', join(dir, 'missing.json')])).stderr).toContain('cannot read');
    expect((await cli(['exceptions', '--help'])).stdout).toContain('sagemaker-audit exceptions export [--output FILE]');
  });
});
