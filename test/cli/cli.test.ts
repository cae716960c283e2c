import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/audit/formats.js';
import type { AuditReport } from '../../src/audit/report.js';
import { CONTROLS } from '../../src/controls/index.js';

const IDS = CONTROLS.map((c) => c.metadata.id);
import { createNotebook } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin, type PolicyDocument } from '../support/aws-standin/index.js';
import { DEFAULT_ROLE_NAMES, iamPolicy, trustPolicy } from '../../src/iam/policy.js';

const BIN = fileURLToPath(new URL('../../bin/sagemaker-audit.mjs', import.meta.url));
const ACCOUNT = '111111111111';
let standin: AwsStandin;

/** An environment with nothing AWS-related from the parent, so the child sees only what the test gives it. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  // Nor the app's Redis: a scan would read accepted risks from it.
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_') && !k.startsWith('AUDIT_') && !k.startsWith('VITEST') && k !== 'REDIS_URL' && k !== 'QUEUE_PREFIX') env[k] = v;
  return { ...env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' };
}
const standinEnv = (): Record<string, string> => ({
  ...baseEnv(),
  AWS_ENDPOINT_URL: standin.url,
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'standin-secret',
  AWS_REGION: 'us-east-1',
});

/** RFC 4180 row parser (enough for one line). */
function parseCsvRow(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"' || i >= line.length) break;
        else v += line[i++];
      }
      out.push(v);
      i += 2;
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: 0 });
  createNotebook(standin, ACCOUNT, 'us-east-1', 'root-nb', { RootAccess: 'Enabled' });
  createNotebook(standin, ACCOUNT, 'us-east-1', 'safe-nb', { RootAccess: 'Disabled' });
  createNotebook(standin, ACCOUNT, 'eu-west-1', 'eu-nb', { RootAccess: 'Disabled' });
});
afterAll(async () => {
  await standin.close();
});

// Each spawn runs the built CLI (dist/cli.mjs, built before the tests): well under a second, but a busy 2-core machine can stretch it.
describe('sagemaker-audit CLI (real bin, stand-in over HTTP)', { timeout: 120_000 }, () => {
  it('--help, scan --help and --version exit 0', async () => {
    const help = await run(['--help'], baseEnv());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('sagemaker-audit scan');
    const scanHelp = await run(['scan', '--help'], baseEnv());
    expect(scanHelp.code).toBe(0);
    expect(scanHelp.stdout).toContain('--discover-accounts');
    const version = await run(['--version'], baseEnv());
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('controls --format json lists every control of the catalog', async () => {
    const out = await run(['controls', '--format', 'json'], baseEnv());
    expect(out.code).toBe(0);
    const controls = JSON.parse(out.stdout) as { id: string }[];
    expect(controls.map((c) => c.id)).toEqual(IDS);
  });

  it('bad arguments: one line naming the problem, exit 2, no AWS call', async () => {
    standin.resetCounters();
    const cases: [string[], string][] = [
      [['scan', '--controls', 'SageMaker.99'], `error: unknown control "SageMaker.99" (valid: ${IDS[0]} … ${IDS[IDS.length - 1]})\n`],
      [['scan', '--format', 'xml'], 'error: unknown format "xml" (valid: table, json, csv, markdown)\n'],
      [['scan', '--bogus'], 'error: unknown option --bogus (see sagemaker-audit scan --help)\n'],
      [['scan', '--accounts', '12'], 'error: not a 12-digit account id: "12"\n'],
      [['frobnicate'], 'error: unknown command "frobnicate" (valid: scan, controls, iam-policy, exceptions)\n'],
    ];
    for (const [args, message] of cases) {
      const out = await run(args, standinEnv());
      expect({ args, code: out.code, stderr: out.stderr }).toEqual({ args, code: 2, stderr: message });
    }
    const noRegion = await run(['scan'], { ...standinEnv(), AWS_REGION: '' });
    expect(noRegion).toMatchObject({ code: 2, stderr: 'error: no region: set --regions or AWS_REGION\n' });
    expect(standin.calls).toHaveLength(0);
  });

  it('no credentials at all: one line and exit 2', async () => {
    const out = await run(['scan', '--regions', 'us-east-1'], baseEnv());
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: no AWS credentials found \(.+\)\n$/);
    expect(out.stdout).toBe('');
  });

  it('exit 1 when something FAILED; --format json is the AuditReport', async () => {
    const out = await run(['scan', '--regions', 'us-east-1,eu-west-1', '--controls', 'SageMaker.3', '--format', 'json'], standinEnv());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as AuditReport;
    expect(Object.keys(report).sort()).toEqual(['durationMs', 'errors', 'generatedAt', 'notes', 'results', 'scope', 'summary']);
    expect(new Date(report.generatedAt).toISOString()).toBe(report.generatedAt);
    expect(report.scope).toEqual({ accounts: [ACCOUNT], regions: ['us-east-1', 'eu-west-1'], controls: ['SageMaker.3'], source: 'both' });
    expect(report.summary).toMatchObject({ total: 3, byStatus: { FAILED: 1, PASSED: 2 }, failedBySeverity: { HIGH: 1 } });
    expect(report.errors).toEqual([]);
    expect(report.results[0]).toMatchObject({ controlId: 'SageMaker.3', status: 'FAILED', severity: 'HIGH', resourceName: 'root-nb', accountId: ACCOUNT, region: 'us-east-1' });
    for (const r of report.results) {
      expect(Object.keys(r).sort()).toEqual(
        ['accountId', 'controlId', 'fingerprint', 'reason', 'region', 'remediation', 'resourceArn', 'resourceKind', 'resourceName', 'resourceType', 'securityHub', 'severity', 'status'].sort(),
      );
    }
    expect(report.results[0]!.remediation).not.toBeNull();
    expect(report.results[0]!.securityHub).toMatchObject({ drift: 'failing-not-reported' });
  });

  it('exit 0 when nothing FAILED; csv written to --output with proper quoting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sagemaker-audit-cli-'));
    const file = join(dir, 'report.csv');
    const out = await run(['scan', '--regions', 'us-east-1', '--controls', 'SageMaker.3', '--resource', 'SAFE-NB', '--format', 'csv', '--output', file], standinEnv());
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('');
    const csv = readFileSync(file, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^status,severity,controlId,/);
    expect(csv[1]).toMatch(/^PASSED,HIGH,SageMaker\.3,111111111111,us-east-1,notebook-instance,safe-nb,arn:aws:sagemaker:us-east-1:111111111111:notebook-instance\/safe-nb,/);
    expect(parseCsvRow(csv[1]!)).toHaveLength(CSV_COLUMNS.length);
    expect(csv).toHaveLength(3); // header, one row, trailing empty
  });

  it('table format prints a readable table', async () => {
    const out = await run(['scan', '--regions', 'us-east-1', '--controls', 'SageMaker.3', '--source', 'sagemaker'], standinEnv());
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/STATUS\s+SEVERITY\s+CONTROL\s+ACCOUNT\s+REGION\s+RESOURCE\s+REASON/);
    expect(out.stdout).toMatch(/FAILED\s+HIGH\s+SageMaker\.3\s+111111111111\s+us-east-1\s+root-nb/);
  });

  it('scan assumes only AUDIT_ROLE (with the external id), never REMEDIATION_ROLE, and reads everything under the read-only policy', async () => {
    const MEMBER = '222222222222';
    const caller = `arn:aws:iam::${ACCOUNT}:user/standin`;
    const audit = `arn:aws:iam::${MEMBER}:role/${DEFAULT_ROLE_NAMES.audit}`;
    const remediation = `arn:aws:iam::${MEMBER}:role/${DEFAULT_ROLE_NAMES.remediation}`;
    const as = (doc: unknown) => doc as PolicyDocument;
    standin.setRole(audit, { trustPolicy: as(trustPolicy('audit', caller, 'ext-cli')), policy: as(iamPolicy('audit', { account: MEMBER })) });
    standin.setRole(remediation, { trustPolicy: as(trustPolicy('remediation', caller, 'ext-cli')), policy: as(iamPolicy('remediation', { account: MEMBER })) });
    createNotebook(standin, MEMBER, 'us-east-1', 'member-nb', { RootAccess: 'Enabled' });
    const since = standin.cloudTrail().length;
    standin.enforceIam = true;
    try {
      const env = { ...standinEnv(), AUDIT_ROLE: DEFAULT_ROLE_NAMES.audit, REMEDIATION_ROLE: DEFAULT_ROLE_NAMES.remediation, AWS_ROLE_EXTERNAL_ID: 'ext-cli', AUDIT_ACCOUNTS: MEMBER };
      const out = await run(['scan', '--regions', 'us-east-1', '--format', 'json'], env);
      expect(out.code, out.stderr).toBe(1);
      const report = JSON.parse(out.stdout) as AuditReport;
      expect(report.errors).toEqual([]);
      expect(report.results.find((r) => r.resourceName === 'member-nb' && r.controlId === 'SageMaker.3')).toMatchObject({ status: 'FAILED', accountId: MEMBER });
    } finally {
      standin.enforceIam = false;
    }
    const trail = standin.cloudTrail().slice(since);
    const assumed = trail.filter((r) => r.eventName === 'AssumeRole').map((r) => r.requestParameters);
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed.every((p) => p?.roleArn === audit && p.externalId === 'ext-cli' && p.roleSessionName === 'sagemaker-audit')).toBe(true);
    expect(trail.filter((r) => r.errorCode !== undefined && /AccessDenied/.test(r.errorCode))).toEqual([]);
    expect(trail.filter((r) => r.recipientAccountId === MEMBER && r.eventSource === 'sagemaker.amazonaws.com').every((r) => r.readOnly)).toBe(true);

    const bad = await run(['scan', '--regions', 'us-east-1'], { ...standinEnv(), AUDIT_ROLE: 'arn:aws:iam::123456789012:role/fixed' });
    expect(bad).toMatchObject({ code: 2, stderr: 'error: invalid configuration: AUDIT_ROLE role ARN template must contain {accountId}: "arn:aws:iam::123456789012:role/fixed"\n' });
  });
});
