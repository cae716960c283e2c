/**
 * The AWS stand-in of the audit benchmark, in its own process, so that the benchmark's RSS and CPU figures are the
 * audit's own (the stand-in keeps the fleet, its findings and a record of every call, input included).
 * Started by bench/audit.bench.ts with `fork` (IPC channel); not meant to be run by hand.
 *
 * Parent → child: { type: 'seed', accounts, regions, resources, seed } · { type: 'configure', latencyMs, throttle }
 *                 { type: 'reset' } · { type: 'counters', id } · { type: 'close' }
 * Child → parent: { type: 'seeded', url, … fleet counts } · { type: 'counters', id, calls, throttled, … } · { type: 'error', message }
 */
import { startAwsStandin } from '../test/support/aws-standin/index.js';
import { seedFleet } from '../test/support/fleet.js';

export interface SeedRequest {
  type: 'seed';
  accounts: string[];
  regions: string[];
  resources: number;
  seed: number;
}

export interface SeededReply {
  type: 'seeded';
  url: string;
  resources: number;
  failedFindings: number;
  seedMs: number;
  /** "<account>/<region>/<kind>" → resources. */
  resourcesByTargetKind: Record<string, number>;
  /** "<account>/<region>" → ACTIVE FAILED NEW/NOTIFIED SageMaker findings (what the audit's GetFindings pages over). */
  failedFindingsByTarget: Record<string, number>;
}

export interface CountersReply {
  type: 'counters';
  id: number;
  /** Requests received since the last reset, throttled ones included. */
  calls: number;
  throttled: number;
  byOperation: Record<string, number>;
  rssMb: number;
  /** Peak RSS since the last reset (50 ms samples). */
  peakRssMb: number;
  /** Whole-process maxRSS (getrusage). */
  maxRssMb: number;
  /** CPU time of the stand-in process since the last reset. */
  cpuMs: number;
}

export type StandinRequest =
  | SeedRequest
  | { type: 'configure'; latencyMs: number; throttle: number }
  | { type: 'reset' }
  | { type: 'counters'; id: number }
  | { type: 'close' };

const MB = 2 ** 20;
const standin = await startAwsStandin({ transitionDelayMs: 0, seed: 7 });
let peak = process.memoryUsage().rss;
let cpuAtReset = process.cpuUsage();
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

function send(message: SeededReply | CountersReply | { type: 'error'; message: string }): void {
  process.send?.(message);
}

function handle(msg: StandinRequest): void {
  switch (msg.type) {
    case 'seed': {
      const t0 = performance.now();
      const fleet = seedFleet(standin, { accounts: msg.accounts, regions: msg.regions, resourcesTotal: msg.resources, seed: msg.seed });
      const resourcesByTargetKind: Record<string, number> = {};
      for (const r of fleet.resources) {
        const key = `${r.accountId}/${r.region}/${r.kind}`;
        resourcesByTargetKind[key] = (resourcesByTargetKind[key] ?? 0) + 1;
      }
      const failedFindingsByTarget: Record<string, number> = {};
      for (const accountId of msg.accounts) {
        for (const region of msg.regions) {
          failedFindingsByTarget[`${accountId}/${region}`] = standin
            .region(accountId, region)
            .securityHub.findings.filter(
              (f) =>
                f.Compliance.Status === 'FAILED' &&
                f.RecordState === 'ACTIVE' &&
                ['NEW', 'NOTIFIED'].includes(f.Workflow.Status) &&
                f.Compliance.SecurityControlId?.startsWith('SageMaker.'),
            ).length;
        }
      }
      send({
        type: 'seeded',
        url: standin.url,
        resources: fleet.resources.length,
        failedFindings: fleet.failedFindings,
        seedMs: performance.now() - t0,
        resourcesByTargetKind,
        failedFindingsByTarget,
      });
      return;
    }
    case 'configure':
      standin.latencyMs = msg.latencyMs;
      standin.throttleRate = { sagemaker: msg.throttle, securityhub: msg.throttle };
      return;
    case 'reset':
      standin.resetCounters();
      peak = process.memoryUsage().rss;
      cpuAtReset = process.cpuUsage();
      return;
    case 'counters': {
      const byOperation: Record<string, number> = {};
      for (const c of standin.calls) byOperation[c.operation] = (byOperation[c.operation] ?? 0) + 1;
      const rss = process.memoryUsage().rss;
      peak = Math.max(peak, rss);
      const cpu = process.cpuUsage(cpuAtReset);
      send({
        type: 'counters',
        id: msg.id,
        calls: standin.calls.length,
        throttled: standin.throttledCount(),
        byOperation,
        rssMb: rss / MB,
        peakRssMb: peak / MB,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
      return;
    }
    case 'close':
      clearInterval(sampler);
      void standin.close().then(() => process.exit(0));
      return;
  }
}

process.on('message', (msg: StandinRequest) => {
  try {
    handle(msg);
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
// The benchmark went away: do not linger.
process.on('disconnect', () => process.exit(0));
