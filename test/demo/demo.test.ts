import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs `npm run demo`'s script as a child process, as a person would, and reads what it prints. */
function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: process.cwd(), env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('npm run demo', () => {
  it('audits, approves a notebook fix and a job definition fix, verifies both, posts a digest, and exits 0', async () => {
    const { code, stdout, stderr, ms } = await runDemo();
    expect(code, `stderr:\n${stderr}\nstdout tail:\n${stdout.slice(-3000)}`).toBe(0);
    expect(ms).toBeLessThan(90_000);
    // The audit's summary, as counts.
    const summary = /Summary: (\d+) checks, (\d+) FAILED, (\d+) fixes proposed/.exec(stdout);
    expect(summary).not.toBeNull();
    expect(Number(summary![2])).toBeGreaterThan(0);
    // Messages are printed as a person reads them, buttons included.
    expect(stdout).toContain('[Approve] [Deny]');
    expect(stdout).not.toMatch(/<@U0|&lt;|"type":"section"/);
    // Both fixes ran and were verified on a fresh read.
    // One proposal per resource: the notebook's SageMaker.3 and .8 in one fix, the definition's .9 and .11 in one swap.
    expect(stdout).toMatch(/research-notebook 111111111111 us-east-1 — SageMaker\.1, \.3, \.8 · proposal below/);
    expect(stdout).toMatch(/Verification of SageMaker\.3, SageMaker\.8 on research-notebook: PASSED/);
    expect(stdout).toMatch(/Verification of SageMaker\.9, SageMaker\.11 on churn-data-quality: PASSED/);
    // A digest, with its CSV and chart in the thread.
    expect(stdout).toContain('== SageMaker compliance digest');
    expect(stdout).toMatch(/📎 sagemaker-digest-\d{4}-\d{2}-\d{2}\.csv .* — \d+ rows/);
    expect(stdout).toMatch(/📎 sagemaker-trend-\d{4}-\d{2}-\d{2}\.png/);
    expect(stdout).toMatch(/Digest posted: SageMaker digest .*: \d+ failing/);
    // App Home: the digest's posture and chart, and the run buttons.
    expect(stdout).toContain('== SageMaker posture ==');
    expect(stdout).toMatch(/\[image: Failing SageMaker resources per day/);
    expect(stdout).toContain('[Pick a channel ▾] [Audit now] [Digest now]');
    expect(stdout).toContain('Done in');
  }, 120_000);
});
