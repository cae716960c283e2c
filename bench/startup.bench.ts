/**
 * Start-up benchmark: how fast the shipped entry points start and how much memory they hold when idle, median of 5.
 *   CLI: `sagemaker-audit controls --format json` (what a pipeline calls on every commit): wall time, CPU time and
 *        peak RSS of the process.
 *   app: the image's CMD (web + workers), rebuilt from the Dockerfile without Docker (test/support/image.ts), so only
 *        production dependencies are there: time from spawn to /healthz answering 200, then the RSS of the main (web)
 *        process and of its child (workers) process after 5 s idle, and the time SIGTERM takes to stop both.
 *
 *   npm run bench:startup [-- --runs 5] [-- --cli "node /other/checkout/bin/sagemaker-audit.mjs"]
 *                         [-- --app "node --import tsx src/main.ts" --app-cwd /other/checkout]   (to compare a build)
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rebuildImage } from '../test/support/image.js';
import { freePort } from '../test/support/ports.js';
import { SlackStandin } from '../test/support/slack-standin/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUSAGE_HOOK = fileURLToPath(new URL('./rusage-hook.mjs', import.meta.url));
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('runs') ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const words = (cmd: string): string[] => cmd.split(/\s+/).filter(Boolean).map((w) => (w === 'node' ? process.execPath : w));

/** One CLI run: wall ms from spawn to exit; CPU ms and peak RSS as the process itself counts them (rusage hook). */
function cliRun(cmd: string[], cwd: string): Promise<{ wallMs: number; cpuMs: number; maxRssMb: number }> {
  return new Promise((resolve, reject) => {
    const [bin, ...args] = cmd;
    const started = performance.now();
    const child = spawn(bin!, [`--import=${RUSAGE_HOOK}`, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let usage = '';
    let stderr = '';
    child.stdio[3]!.on('data', (d: Buffer) => (usage += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`exit ${code}: ${stderr}`));
      const u = JSON.parse(usage) as { cpuMs: number; maxRssKb: number };
      resolve({ wallMs, cpuMs: u.cpuMs, maxRssMb: u.maxRssKb / 1024 });
    });
  });
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number));
}

/** One app start: ms to /healthz 200, then RSS of the process and its children after 5 s idle; stopped with SIGTERM. */
async function appRun(cmd: string[], cwd: string, env: Record<string, string>): Promise<{ healthzMs: number; webMb: number; workersMb: number; stopMs: number }> {
  const port = await freePort();
  const [bin, ...args] = cmd;
  const started = performance.now();
  const child = spawn(bin!, args, { cwd, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let status = 0;
  while (status !== 200) {
    if (child.exitCode !== null) throw new Error(`the app exited: ${stderr}`);
    status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    if (status !== 200) await new Promise((r) => setTimeout(r, 20));
  }
  const healthzMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 5000));
  const webMb = rssMb(child.pid!);
  const workersMb = childrenOf(child.pid!).reduce((sum, pid) => sum + rssMb(pid), 0);
  const stopping = performance.now();
  child.kill('SIGTERM');
  await exited;
  return { healthzMs, webMb, workersMb, stopMs: performance.now() - stopping };
}

const fmt = (n: number, unit: string): string => `${n.toFixed(0)} ${unit}`;

// --- CLI ---------------------------------------------------------------------------------------------------------
const cliCmd = words(arg('cli') ?? 'node bin/sagemaker-audit.mjs');
const cli = [];
for (let i = 0; i < RUNS; i++) cli.push(await cliRun([...cliCmd, 'controls', '--format', 'json'], ROOT));
console.log(`CLI ${cliCmd.slice(1).join(' ')} controls --format json (median of ${RUNS}):`);
console.log(`  wall ${fmt(median(cli.map((r) => r.wallMs)), 'ms')} · CPU ${fmt(median(cli.map((r) => r.cpuMs)), 'ms')} · peak RSS ${fmt(median(cli.map((r) => r.maxRssMb)), 'MB')}`);

// --- App ---------------------------------------------------------------------------------------------------------
const slack = await SlackStandin.start();
const prefix = `bench-startup-${Date.now().toString(36)}`;
const baseEnv: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  SLACK_BOT_TOKEN: slack.botToken,
  SLACK_SIGNING_SECRET: 'bench-startup-signing-secret',
  SLACK_API_URL: slack.apiUrl,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: prefix,
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  LOG_LEVEL: 'warn',
};
const image = arg('app') ? undefined : rebuildImage(ROOT);
const appCmd = arg('app') ? words(arg('app')!) : words(image!.cmd.join(' '));
const appCwd = arg('app-cwd') ?? image!.dir;
const appEnv = { ...(image?.env ?? {}), ...baseEnv };
const app = [];
for (let i = 0; i < RUNS; i++) app.push(await appRun(appCmd, appCwd, appEnv));
console.log(`app ${appCmd.slice(1).join(' ')}${image ? ' (the image rebuilt without Docker, production dependencies only)' : ` in ${appCwd}`} (median of ${RUNS}):`);
console.log(`  spawn → /healthz 200: ${fmt(median(app.map((r) => r.healthzMs)), 'ms')} · idle RSS after 5 s: main process ${fmt(median(app.map((r) => r.webMb)), 'MB')} + child processes ${fmt(median(app.map((r) => r.workersMb)), 'MB')} · SIGTERM → exit ${fmt(median(app.map((r) => r.stopMs)), 'ms')}`);

await image?.remove();
await slack.close();
process.exit(0);
