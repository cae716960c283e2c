import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report.js';
import { main } from '../../src/cli/main.js';
import type { AwsStandin } from '../support/aws-standin/index.js';
import { ACCOUNT, createNotebook, createNotebooks, standinForTests, useFakeCredentials } from '../audit/standin-helpers.js';

// The CLI in-process against the stand-in. This file owns its process (vitest forks): the SDK finds the stand-in
// through AWS_ENDPOINT_URL, as it would find a real endpoint; the CLI's own settings come through `env`.
useFakeCredentials();
const aws = standinForTests();
let standin: AwsStandin;
const ENV = { AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '2' };

beforeAll(() => {
  standin = aws();
  process.env.AWS_ENDPOINT_URL = standin.url;
});
afterAll(() => {
  delete process.env.AWS_ENDPOINT_URL;
});

async function cli(args: string[], env: Record<string, string> = ENV): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const denied = { code: 'AccessDeniedException', message: 'User is not authorized to perform: sagemaker:DescribeNotebookInstance', status: 400 };

describe('exit status: never a false green', () => {
  it('every DescribeNotebookInstance denied: exit 2 and a one-line "incomplete" on stderr; --allow-incomplete gives the old 0', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 4);
    standin.failNext('DescribeNotebookInstance', denied, { count: 100 });
    const out = await cli(['scan', '--controls', 'SageMaker.2', '--format', 'json']);
    const report = JSON.parse(out.stdout) as AuditReport;
    expect(report.summary.byStatus).toMatchObject({ FAILED: 0, PASSED: 0, UNKNOWN: 4 });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^incomplete: .*4 UNKNOWN results.*4 read errors.*\n$/);
    expect(out.stderr.split('\n')).toHaveLength(2);

    standin.failNext('DescribeNotebookInstance', denied, { count: 100 });
    expect((await cli(['scan', '--controls', 'SageMaker.2', '--format', 'json', '--allow-incomplete'])).code).toBe(0);
  });

  it('the table says incomplete, and counts the UNKNOWN results as not compared rather than agreeing', async () => {
    createNotebooks(standin, ACCOUNT, 'us-east-1', 4);
    standin.failNext('DescribeNotebookInstance', denied, { count: 100 });
    const out = await cli(['scan', '--controls', 'SageMaker.2']);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('4 results: 0 FAILED, 0 PASSED, 4 UNKNOWN');
    expect(out.stdout).toMatch(/Security Hub: 0 agree, .*4 not compared/);
    expect(out.stdout).toMatch(/^Verdict: incomplete: /m);
  });

  it('a region whose ListNotebookInstances is denied, next to a passing region: exit 2', async () => {
    createNotebook(standin, ACCOUNT, 'us-east-1', 'safe-nb', { RootAccess: 'Disabled' });
    standin.failNext('ListNotebookInstances', { ...denied, message: 'not allowed' }, { count: 10, match: (_input, call) => call.region === 'eu-west-1' });
    const out = await cli(['scan', '--regions', 'us-east-1,eu-west-1', '--controls', 'SageMaker.3', '--format', 'json']);
    const report = JSON.parse(out.stdout) as AuditReport;
    expect(report.summary.byStatus).toMatchObject({ PASSED: 1, FAILED: 0 });
    expect(report.errors).toEqual([expect.objectContaining({ region: 'eu-west-1', service: 'sagemaker', operation: 'ListNotebookInstances' })]);
    expect(out.code).toBe(2);
    expect((await cli(['scan', '--regions', 'us-east-1', '--controls', 'SageMaker.3', '--format', 'json'])).code).toBe(0);
  });

  it('something FAILED: exit 1, even when other evidence is missing; nothing read at all stays 2 with --allow-incomplete', async () => {
    createNotebook(standin, ACCOUNT, 'us-east-1', 'root-nb', { RootAccess: 'Enabled' });
    standin.failNext('ListNotebookInstances', denied, { count: 10, match: (_input, call) => call.region === 'eu-west-1' });
    expect((await cli(['scan', '--regions', 'us-east-1,eu-west-1', '--controls', 'SageMaker.3', '--format', 'json'])).code).toBe(1);
    standin.failNext('ListNotebookInstances', denied, { count: 10 });
    expect((await cli(['scan', '--controls', 'SageMaker.3', '--format', 'json', '--allow-incomplete'])).code).toBe(2);
  });

  it('the help documents the exit codes and --allow-incomplete', async () => {
    const help = await cli(['scan', '--help']);
    expect(help.stdout).toContain('--allow-incomplete');
    expect(help.stdout).toMatch(/0 .*evaluated.*\n.*1 .*FAILED.*\n.*2 /);
  });
});

describe('smaller CLI edges', () => {
  it('--resource naming nothing: one line saying it matched nothing, exit 2', async () => {
    createNotebook(standin, ACCOUNT, 'us-east-1', 'safe-nb', { RootAccess: 'Disabled' });
    const out = await cli(['scan', '--controls', 'SageMaker.3', '--resource', 'no-such-nb', '--format', 'json']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('error: --resource "no-such-nb" matched no resource the selected controls check in 1 account(s) × 1 region(s)\n');
  });

  it('--output problems are found before any AWS call, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sagemaker-audit-out-'));
    mkdirSync(join(dir, 'a-folder'));
    writeFileSync(join(dir, 'a-file'), '');
    const cases: [string, RegExp][] = [
      [join(dir, 'a-folder'), /^error: --output .*a-folder is a directory\n$/],
      [join(dir, 'missing', 'report.json'), /^error: --output .*missing\/report\.json: the folder .*missing does not exist\n$/],
      [join(dir, 'a-file', 'report.json'), /^error: --output .*a-file\/report\.json: .*a-file is not a folder\n$/],
    ];
    for (const [file, message] of cases) {
      const out = await cli(['scan', '--controls', 'SageMaker.3', '--output', file]);
      expect({ file, code: out.code, stderr: out.stderr }).toEqual({ file, code: 2, stderr: expect.stringMatching(message) });
    }
    expect(standin.calls).toHaveLength(0);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('--output in a folder the user may not write to: exit 2 before the scan (the real bin, as an unprivileged user)', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sagemaker-audit-ro-'));
    chmodSync(dir, 0o555);
    const bin = fileURLToPath(new URL('../../bin/sagemaker-audit.mjs', import.meta.url));
    // root may write anywhere: run the child as nobody then (uid 65534), as the user who would meet this.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'scan', '--regions', 'us-east-1', '--output', join(dir, 'report.json')], {
        env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL: standin.url, AWS_EC2_METADATA_DISABLED: 'true' },
        stdio: ['ignore', 'ignore', 'pipe'],
        ...asNobody,
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    expect({ code, stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/^error: --output .*report\.json: no permission to write in .*sagemaker-audit-ro-[^/]+\n$/) });
    expect(standin.calls).toHaveLength(0);
  });

  it('--output is written after the scan; an existing file is replaced, not appended to', async () => {
    createNotebook(standin, ACCOUNT, 'us-east-1', 'safe-nb', { RootAccess: 'Disabled' });
    const file = join(mkdtempSync(join(tmpdir(), 'sagemaker-audit-out-')), 'report.json');
    writeFileSync(file, 'x'.repeat(100_000));
    const out = await cli(['scan', '--controls', 'SageMaker.3', '--format', 'json', '--output', file]);
    expect(out.code).toBe(0);
    expect((JSON.parse(readFileSync(file, 'utf8')) as AuditReport).summary.byStatus.PASSED).toBe(1);
  });

  it('every echoed value stays on one line', async () => {
    const cases: string[][] = [
      ['scan', '--controls', 'SageMaker.1\nx'],
      ['scan', '--format', 'json\nx'],
      ['scan', '--source', 'both\nx'],
      ['scan', '--role', 'arn:x\ny'],
      ['scan', '--bogus\nx'],
      ['scan', 'pos\nx'],
      ['cmd\nx'],
      ['scan', '--regions', 'us-east-1\nx'],
    ];
    for (const args of cases) {
      const out = await cli(args);
      expect({ args, code: out.code, lines: out.stderr.split('\n').length }).toEqual({ args, code: 2, lines: 2 });
      expect(out.stderr).toMatch(/^error: /);
    }
    expect((await cli(['scan', '--bogus'])).stderr).toBe('error: unknown option --bogus (see sagemaker-audit scan --help)\n');
    expect((await cli(['scan', 'pos'])).stderr).toBe('error: unexpected argument "pos" (see sagemaker-audit scan --help)\n');
    const badRegion = await cli(['scan'], { AWS_REGION: 'us-east-1\nx' });
    expect(badRegion).toMatchObject({ code: 2, stderr: 'error: invalid configuration: AWS_REGION not an AWS region name\n' });
    expect(standin.calls).toHaveLength(0);
  });
});
