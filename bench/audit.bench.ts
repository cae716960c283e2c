/**
 * Audit benchmark: a 10,000-resource fleet over 4 accounts × 5 regions on the AWS stand-in (20 ms per call, 5% of
 * SageMaker and Security Hub calls throttled), scanned with the real engine and SDK, once concurrently (the engine's
 * defaults: AUDIT_CONCURRENCY calls per target, the default number of targets at once) and once sequentially
 * (concurrency 1, one target at a time). `--quick` scales the fleet down to 1,000; `--concurrent-only` skips the
 * sequential scan (for profiling: `node --cpu-prof --import tsx bench/audit.bench.ts --concurrent-only`).
 *
 * The stand-in runs in a child process (bench/audit-standin.ts): it holds the fleet, the findings and a record of
 * every call, so the RSS and CPU figures of this process are the audit's own. Call counts come from the stand-in.
 *
 *   npm run bench:audit [-- --quick] [-- --concurrent-only] [-- --target-concurrency=N] [-- --concurrency=N]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../src/audit/engine.js';
import { selectControls } from '../src/controls/index.js';
import type { AuditReport } from '../src/audit/report.js';
import { defaultClientFactory } from '../src/aws/clients.js';
import { needsFor } from '../src/aws/inventory.js';
import { RESOURCE_KINDS, type ResourceKind } from '../src/aws/resources.js';
import { FINDINGS_PAGE_SIZE } from '../src/aws/securityhub.js';
import { loadAuditConfig } from '../src/config.js';
import type { CountersReply, SeededReply, StandinRequest } from './audit-standin.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const concurrentOnly = argv.includes('--concurrent-only');
const numberArg = (name: string): number | undefined => {
  const raw = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return raw === undefined ? undefined : Number(raw);
};
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const RESOURCES = quick ? 1_000 : 10_000;
const LATENCY_MS = 20;
const THROTTLE = 0.05;
const MB = 2 ** 20;

process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY = 'bench-secret';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// ---- the stand-in, in its own process ------------------------------------------------------------------------------
const child = fork(fileURLToPath(new URL('./audit-standin.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
let requestId = 0;
const waiting = new Map<number, (r: CountersReply) => void>();
let onSeeded: ((r: SeededReply) => void) | undefined;
child.on('message', (msg: SeededReply | CountersReply | { type: 'error'; message: string }) => {
  if (msg.type === 'seeded') onSeeded?.(msg);
  else if (msg.type === 'counters') {
    waiting.get(msg.id)?.(msg);
    waiting.delete(msg.id);
  } else {
    console.error(`stand-in error: ${msg.message}`);
    process.exit(1);
  }
});
child.on('exit', (code) => {
  if (code !== 0 && code !== null) {
    console.error(`stand-in exited with ${code}`);
    process.exit(1);
  }
});
const tell = (msg: StandinRequest): void => void child.send(msg);
const counters = (): Promise<CountersReply> =>
  new Promise((resolve) => {
    const id = ++requestId;
    waiting.set(id, resolve);
    tell({ type: 'counters', id });
  });

const t0 = performance.now();
const seeded = await new Promise<SeededReply>((resolve) => {
  onSeeded = resolve;
  tell({ type: 'seed', accounts: ACCOUNTS, regions: REGIONS, resources: RESOURCES, seed: 42 });
});
console.log(
  `stand-in (pid ${child.pid}) at ${seeded.url}: seeded ${seeded.resources} resources, ${seeded.failedFindings} FAILED findings in ${(seeded.seedMs / 1000).toFixed(1)} s (${((performance.now() - t0) / 1000).toFixed(1)} s with start-up)`,
);

// ---- the minimum ---------------------------------------------------------------------------------------------------
const controls = selectControls(undefined);
const needs = needsFor(controls);
const controlsPerKind = new Map<ResourceKind, number>();
for (const c of controls) controlsPerKind.set(c.metadata.resourceKind, (controlsPerKind.get(c.metadata.resourceKind) ?? 0) + 1);

// The minimum calls the selected controls need, per account+region target:
//   Σ over needed kinds [ max(1, ceil(n_kind / 100)) List pages + n_kind Describe (if needed) + n_kind ListTags (if needed) ]
//   + max(1, ceil(failed findings / 100)) GetFindings pages
// plus one AssumeRole per account. Throttled requests are answered and retried by the SDK, so they are real calls
// on top of this minimum: with a throttle rate p, the expected total is about minimum / (1 − p) (≈ 1.053× at 5%).
let minimum = ACCOUNTS.length;
let expectedResults = 0;
for (const accountId of ACCOUNTS) {
  for (const region of REGIONS) {
    for (const kind of RESOURCE_KINDS) {
      const need = needs[kind];
      if (!need) continue;
      const n = seeded.resourcesByTargetKind[`${accountId}/${region}/${kind}`] ?? 0;
      minimum += Math.max(1, Math.ceil(n / 100)) + (need.describe ? n : 0) + (need.tags ? n : 0);
      expectedResults += n * (controlsPerKind.get(kind) ?? 0);
    }
    minimum += Math.max(1, Math.ceil((seeded.failedFindingsByTarget[`${accountId}/${region}`] ?? 0) / FINDINGS_PAGE_SIZE));
  }
}

tell({ type: 'configure', latencyMs: LATENCY_MS, throttle: THROTTLE });

// ---- the scans -----------------------------------------------------------------------------------------------------
interface Run {
  label: string;
  wallMs: number;
  calls: number;
  throttled: number;
  byOperation: Record<string, number>;
  peakRssMb: number;
  peakHeapMb: number;
  cpuMs: number;
  eventLoopUtilization: number;
  standin: CountersReply;
  /** RSS and heap used when the scan started (modules loaded, nothing scanned yet). */
  startRssMb: number;
  startHeapMb: number;
  /** Heap still used after the scan with the report alive, after a full GC (only with --expose-gc). */
  retainedHeapMb: number | undefined;
  report: AuditReport;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function scan(label: string, concurrency: number | undefined, targetConcurrency: number | undefined): Promise<Run> {
  tell({ type: 'reset' });
  await counters(); // the reset has been applied
  const config = loadAuditConfig({
    AWS_REGION: REGIONS[0],
    AWS_MAX_ATTEMPTS: '10',
    ...(concurrency !== undefined ? { AUDIT_CONCURRENCY: String(concurrency) } : {}),
  });
  gc?.();
  const m0 = process.memoryUsage();
  let peak = m0.rss;
  let peakHeap = m0.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  let lastPrint = 0;
  const report = await runAudit(
    { accounts: ACCOUNTS, regions: REGIONS, role: 'SageMakerAudit', source: 'both' },
    {
      config,
      clientFactory: defaultClientFactory({ maxAttempts: config.maxAttempts, endpoint: seeded.url }),
      ...(targetConcurrency !== undefined ? { targetConcurrency } : {}),
      onProgress: (e) => {
        if (e.type !== 'target-done') return;
        const now = performance.now();
        if (targetConcurrency === 1 || now - lastPrint > 1000 || e.done === e.total) {
          lastPrint = now;
          console.log(`  [${label}] ${e.done}/${e.total} targets, ${((now - start) / 1000).toFixed(1)} s`);
        }
      },
    },
  );
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  gc?.();
  const retainedHeapMb = gc ? process.memoryUsage().heapUsed / MB : undefined;
  const c = await counters();
  return {
    label,
    wallMs,
    calls: c.calls,
    throttled: c.throttled,
    byOperation: c.byOperation,
    peakRssMb: peak / MB,
    peakHeapMb: peakHeap / MB,
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopUtilization: elu.utilization,
    standin: c,
    startRssMb: m0.rss / MB,
    startHeapMb: m0.heapUsed / MB,
    retainedHeapMb,
    report,
  };
}

const concurrencyArg = numberArg('concurrency');
const targetConcurrencyArg = numberArg('target-concurrency');
const config0 = loadAuditConfig({ AWS_REGION: REGIONS[0], ...(concurrencyArg !== undefined ? { AUDIT_CONCURRENCY: String(concurrencyArg) } : {}) });
console.log(`fleet: ${seeded.resources} resources, ${ACCOUNTS.length} accounts × ${REGIONS.length} regions, ${LATENCY_MS} ms/call, ${THROTTLE * 100}% throttled`);
console.log(`minimum calls for all ${controls.length} controls: ${minimum}; expected results (resources × applicable controls): ${expectedResults}`);
console.log(`concurrent scan: ${config0.concurrency} calls per target, ${targetConcurrencyArg ?? 'default'} targets at once`);
const concurrent = await scan('concurrent', concurrencyArg, targetConcurrencyArg);
let sequential: Run | undefined;
if (!concurrentOnly) {
  console.log(`concurrent scan done in ${(concurrent.wallMs / 1000).toFixed(1)} s; now the sequential scan (concurrency 1, one target at a time)…`);
  sequential = await scan('sequential', 1, 1);
}
tell({ type: 'close' });

function describeRun(r: Run) {
  const rep = r.report;
  const reportedOnly = rep.results.filter((x) => x.securityHub?.drift === 'reported-only').length;
  const evaluated = rep.results.length - reportedOnly;
  return {
    wall: `${(r.wallMs / 1000).toFixed(1)} s`,
    'AWS calls (incl. throttled)': r.calls,
    'calls excl. throttled': r.calls - r.throttled,
    'calls / minimum (incl. throttled)': (r.calls / minimum).toFixed(3),
    'calls / minimum (excl. throttled)': ((r.calls - r.throttled) / minimum).toFixed(3),
    'throttled calls': r.throttled,
    'audit CPU (user+sys)': `${(r.cpuMs / 1000).toFixed(1)} s`,
    'audit CPU per call': `${(r.cpuMs / r.calls).toFixed(2)} ms`,
    'audit event-loop utilisation': `${(r.eventLoopUtilization * 100).toFixed(0)}%`,
    'audit peak RSS (50 ms samples)': `${r.peakRssMb.toFixed(0)} MB`,
    'audit RSS / heap at start': `${r.startRssMb.toFixed(0)} / ${r.startHeapMb.toFixed(0)} MB`,
    'audit peak heap used': `${r.peakHeapMb.toFixed(0)} MB`,
    'audit heap retained (after GC)': r.retainedHeapMb === undefined ? 'n/a (no --expose-gc)' : `${r.retainedHeapMb.toFixed(0)} MB`,
    'stand-in CPU': `${(r.standin.cpuMs / 1000).toFixed(1)} s`,
    'stand-in peak RSS': `${r.standin.peakRssMb.toFixed(0)} MB`,
    'results evaluated live': `${evaluated} / ${expectedResults}`,
    'reported-only results': reportedOnly,
    'UNKNOWN results': rep.summary.byStatus.UNKNOWN,
    'read errors': rep.errors.length,
    FAILED: rep.summary.byStatus.FAILED,
  };
}

const a = describeRun(concurrent);
console.log('');
console.table(sequential ? { concurrent: a, sequential: describeRun(sequential) } : { concurrent: a });
const maxRssMb = process.resourceUsage().maxRSS / 1024;
const standinFinal = concurrent.standin;
console.log(`audit process maxRSS (getrusage, whole process): ${maxRssMb.toFixed(0)} MB`);
console.log(`stand-in process maxRSS (getrusage, after the concurrent scan): ${standinFinal.maxRssMb.toFixed(0)} MB — fleet, findings and a record of every call`);
console.log(`calls by operation (concurrent): ${JSON.stringify(concurrent.byOperation)}`);
console.log(`load average (1/5/15 min) at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('');
const checks: [string, boolean, string][] = [
  ['≤1.05× minimum calls (excl. throttled)', (concurrent.calls - concurrent.throttled) / minimum <= 1.05, a['calls / minimum (excl. throttled)']],
  ['≤1.05× minimum calls (incl. throttled)', concurrent.calls / minimum <= 1.05, a['calls / minimum (incl. throttled)']],
  ['audit peak RSS < 300 MB', concurrent.peakRssMb < 300 && maxRssMb < 300, `${concurrent.peakRssMb.toFixed(0)} MB sampled, ${maxRssMb.toFixed(0)} MB maxRSS`],
  ['every resource evaluated', a['results evaluated live'] === `${expectedResults} / ${expectedResults}`, a['results evaluated live']],
  ['no UNKNOWN from throttling (no read errors)', concurrent.report.errors.length === 0, `${concurrent.report.errors.length} errors`],
];
if (sequential) {
  const speedup = sequential.wallMs / concurrent.wallMs;
  checks.unshift(['≥20× faster than sequential', speedup >= 20, `${speedup.toFixed(1)}×`]);
}
for (const [name, ok, value] of checks) console.log(`${ok ? 'PASS' : 'MISS'}  ${name}: ${value}`);
