/**
 * Audit benchmark: a 10,000-resource fleet over 4 accounts × 5 regions on the AWS stand-in (20 ms per call, 5% of
 * SageMaker and Security Hub calls throttled), scanned with the real engine and SDK, once concurrently and once
 * sequentially (concurrency 1, one target at a time). `--quick` scales the fleet down to 1,000.
 *
 *   npm run bench:audit [-- --quick]
 */
import { runAudit, selectControls } from '../src/audit/engine.js';
import type { AuditReport } from '../src/audit/report.js';
import { defaultClientFactory } from '../src/aws/clients.js';
import { needsFor } from '../src/aws/inventory.js';
import { RESOURCE_KINDS, type ResourceKind } from '../src/aws/resources.js';
import { FINDINGS_PAGE_SIZE } from '../src/aws/securityhub.js';
import { loadAuditConfig } from '../src/config.js';
import { startAwsStandin } from '../test/support/aws-standin/index.js';
import { seedFleet } from '../test/support/fleet.js';

const quick = process.argv.includes('--quick');
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const RESOURCES = quick ? 1_000 : 10_000;
const LATENCY_MS = 20;
const THROTTLE = 0.05;

process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY = 'bench-secret';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const standin = await startAwsStandin({ transitionDelayMs: 0, seed: 7 });
const t0 = performance.now();
const fleet = seedFleet(standin, { accounts: ACCOUNTS, regions: REGIONS, resourcesTotal: RESOURCES, seed: 42 });
console.log(`seeded ${fleet.resources.length} resources, ${fleet.failedFindings} FAILED findings in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const controls = selectControls(undefined);
const needs = needsFor(controls);
const controlsPerKind = new Map<ResourceKind, number>();
for (const c of controls) controlsPerKind.set(c.metadata.resourceKind, (controlsPerKind.get(c.metadata.resourceKind) ?? 0) + 1);

// The minimum calls the selected controls need, per target: ceil(n/100) list pages per kind (at least one),
// one Describe per resource of a kind needing it, one ListTags per resource of a kind needing tags,
// ceil(findings/100) GetFindings pages (at least one); plus one AssumeRole per account.
let minimum = ACCOUNTS.length;
let expectedResults = 0;
for (const accountId of ACCOUNTS) {
  for (const region of REGIONS) {
    for (const kind of RESOURCE_KINDS) {
      const need = needs[kind];
      if (!need) continue;
      const n = fleet.resources.filter((r) => r.accountId === accountId && r.region === region && r.kind === kind).length;
      minimum += Math.max(1, Math.ceil(n / 100)) + (need.describe ? n : 0) + (need.tags ? n : 0);
      expectedResults += n * (controlsPerKind.get(kind) ?? 0);
    }
    const findings = standin
      .region(accountId, region)
      .securityHub.findings.filter(
        (f) => f.Compliance.Status === 'FAILED' && f.RecordState === 'ACTIVE' && ['NEW', 'NOTIFIED'].includes(f.Workflow.Status) && f.Compliance.SecurityControlId?.startsWith('SageMaker.'),
      ).length;
    minimum += Math.max(1, Math.ceil(findings / FINDINGS_PAGE_SIZE));
  }
}

standin.latencyMs = LATENCY_MS;
standin.throttleRate = { sagemaker: THROTTLE, securityhub: THROTTLE };

interface Run {
  label: string;
  wallMs: number;
  calls: number;
  throttled: number;
  peakRssMb: number;
  report: AuditReport;
}

async function scan(label: string, concurrency: number, targetConcurrency: number): Promise<Run> {
  standin.resetCounters();
  const config = loadAuditConfig({ AWS_REGION: REGIONS[0], AUDIT_CONCURRENCY: String(concurrency), AWS_MAX_ATTEMPTS: '10' });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const start = performance.now();
  let lastPrint = 0;
  const report = await runAudit(
    { accounts: ACCOUNTS, regions: REGIONS, role: 'SageMakerAudit', source: 'both' },
    {
      config,
      clientFactory: defaultClientFactory({ maxAttempts: config.maxAttempts, endpoint: standin.url }),
      targetConcurrency,
      onProgress: (e) => {
        if (e.type !== 'target-done') return;
        const now = performance.now();
        if (targetConcurrency === 1 || now - lastPrint > 1000 || e.done === e.total) {
          lastPrint = now;
          console.log(`  [${label}] ${e.done}/${e.total} targets, ${((now - start) / 1000).toFixed(1)} s, ${standin.calls.length} calls`);
        }
      },
    },
  );
  const wallMs = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { label, wallMs, calls: standin.calls.length, throttled: standin.throttledCount(), peakRssMb: peak / 2 ** 20, report };
}

console.log(`fleet: ${fleet.resources.length} resources, ${ACCOUNTS.length} accounts × ${REGIONS.length} regions, ${LATENCY_MS} ms/call, ${THROTTLE * 100}% throttled`);
console.log(`minimum calls for all 25 controls: ${minimum}; expected results (resources × applicable controls): ${expectedResults}`);
const concurrent = await scan('concurrent', 8, 20);
console.log(`concurrent scan done in ${(concurrent.wallMs / 1000).toFixed(1)} s; now the sequential scan (concurrency 1, one target at a time)…`);
const sequential = await scan('sequential', 1, 1);
await standin.close();

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
    'peak RSS (50 ms samples)': `${r.peakRssMb.toFixed(0)} MB`,
    'results evaluated live': `${evaluated} / ${expectedResults}`,
    'reported-only results': reportedOnly,
    'UNKNOWN results': rep.summary.byStatus.UNKNOWN,
    'read errors': rep.errors.length,
    FAILED: rep.summary.byStatus.FAILED,
  };
}

const a = describeRun(concurrent);
const b = describeRun(sequential);
console.log('');
console.table({ concurrent: a, sequential: b });
const speedup = sequential.wallMs / concurrent.wallMs;
const maxRssMb = process.resourceUsage().maxRSS / 1024;
console.log(`process maxRSS (resourceUsage): ${maxRssMb.toFixed(0)} MB (includes the in-process stand-in and its fleet)`);
console.log('');
const checks: [string, boolean, string][] = [
  ['≥20× faster than sequential', speedup >= 20, `${speedup.toFixed(1)}×`],
  ['≤1.05× minimum calls (excl. throttled)', (concurrent.calls - concurrent.throttled) / minimum <= 1.05, a['calls / minimum (excl. throttled)']],
  ['≤1.05× minimum calls (incl. throttled)', concurrent.calls / minimum <= 1.05, a['calls / minimum (incl. throttled)']],
  ['peak RSS < 300 MB', concurrent.peakRssMb < 300 && maxRssMb < 300, `${concurrent.peakRssMb.toFixed(0)} MB sampled, ${maxRssMb.toFixed(0)} MB maxRSS`],
  ['every resource evaluated', a['results evaluated live'] === `${expectedResults} / ${expectedResults}`, a['results evaluated live']],
  ['no UNKNOWN from throttling (no read errors)', concurrent.report.errors.length === 0, `${concurrent.report.errors.length} errors`],
];
for (const [name, ok, value] of checks) console.log(`${ok ? 'PASS' : 'MISS'}  ${name}: ${value}`);
