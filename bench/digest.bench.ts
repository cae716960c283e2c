/**
 * Digest generation at fleet scale: diff + model + blocks + CSV for 10,000 results, no network.
 * Prints figures; never a timed test. Run with `npm run bench:digest`.
 */
import { performance } from 'node:perf_hooks';
import { diffDigest, type PreviousRun } from '../src/digest/diff.js';
import { buildDigestModel } from '../src/digest/model.js';
import { digestCsv } from '../src/digest/csv.js';
import { trendChartPng } from '../src/digest/chart.js';
import { lastDays } from '../src/digest/keys.js';
import { applyAcceptedRisks } from '../src/risks/apply.js';
import type { AcceptedRiskRecord } from '../src/risks/types.js';
import { digestBlocks } from '../src/slack/blocks/digest.js';
import { fleet, report } from '../test/digest/fixtures.js';

const N = Number(process.argv[2] ?? 10_000);
const RUNS = 7;
const now = new Date('2026-11-26T09:00:00Z');
const rep = report(fleet(N));
// A previous digest with every other failure already open, so "new" and "fixed" are both large.
const prevDiff = diffDigest(report(fleet(N).filter((_, i) => i % 2 === 0)), null, new Date('2026-11-25T09:00:00Z'));
const previous: PreviousRun = { runAt: '2026-11-25T09:00:00.000Z', open: prevDiff.next };
const risks: AcceptedRiskRecord[] = rep.results.slice(0, 200).map((r, i) => ({
  id: `r${i}`,
  acceptedBy: 'U0APPROVER',
  reason: 'bench',
  acceptedAt: '2026-11-01T00:00:00.000Z',
  expiresAt: '2026-12-01T00:00:00.000Z',
  scope: 'resource',
  status: 'active',
  controlId: r.controlId,
  accountId: r.accountId,
  region: r.region,
  resourceArn: r.resourceArn,
  resourceName: r.resourceName,
}));

const times: number[] = [];
let sizes = { blocks: 0, csvBytes: 0, rows: 0 };
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const applied = applyAcceptedRisks(rep, risks, now);
  const diff = diffDigest(applied, previous, now);
  const model = buildDigestModel({ report: applied, diff, now, risks: { active: risks, expired: [] } });
  const blocks = digestBlocks(model, { runId: 'bench', day: '2026-11-26' });
  const csv = digestCsv(model.items);
  times.push(performance.now() - t0);
  sizes = { blocks: blocks.length, csvBytes: Buffer.byteLength(csv), rows: model.items.length };
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(`digest generation for ${N} results (risks applied + diff + model + blocks + CSV), ${RUNS} runs:`);
console.log(`  median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times[times.length - 1]!.toFixed(1)} ms (first run includes JIT warm-up)`);
console.log(`  ${sizes.blocks} blocks, ${sizes.rows} CSV rows, ${(sizes.csvBytes / 1024).toFixed(0)} KiB CSV`);

const t1 = performance.now();
const png = trendChartPng(lastDays('2026-11-26', 30).map((day, i) => ({ day, counts: { CRITICAL: i, HIGH: 2 * i, MEDIUM: 3 * i, LOW: 4 * i } })));
console.log(`trend chart PNG (30 days × 4 severities, 1200 px): ${(performance.now() - t1).toFixed(0)} ms, ${(png.length / 1024).toFixed(0)} KiB`);
console.log(median < 1000 ? `OK: under 1 s for ${N} results` : `SLOW: over 1 s for ${N} results`);
