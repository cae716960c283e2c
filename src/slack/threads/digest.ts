import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { resourceKey, type AuditReport, type CoveredScope } from '../../audit/report.js';
import type { Config } from '../../config.js';
import { trendChartPng } from '../../digest/chart.js';
import { digestCsv } from '../../digest/csv.js';
import { diffDigest, type FindingState } from '../../digest/diff.js';
import { dayInZone } from '../../digest/keys.js';
import { buildDigestModel, type DigestModel } from '../../digest/model.js';
import type { DigestStateStore } from '../../digest/state.js';
import type { DigestJobData } from '../../queue/jobs.js';
import type { ProposalResource } from '../../remediation/proposals.js';
import { expireRisks, type RiskJobDeps } from '../../risks/jobs.js';
import type { RiskStore } from '../../risks/store.js';
import type { AcceptedRiskRecord } from '../../risks/types.js';
import { digestBlocks, digestText } from '../blocks/digest.js';
import { splitByOwner } from '../../digest/split.js';
import type { Route } from '../../routing.js';
import { mapLimit } from '../../util/limit.js';

/**
 * The daily digest in its channel: the audit (accepted risks applied), compared with the last digest, posted, then the
 * CSV and the 30-day trend chart in its thread.
 */

export interface DigestDeps extends Pick<RiskJobDeps, 'securityHub'> {
  config: Pick<Config, 'accounts' | 'regions' | 'app'>;
  slack: WebClient;
  state: DigestStateStore;
  risks: RiskStore;
  /** The engine with the accepted risks applied, bound by the composition root. */
  runAudit: (scope: CoveredScope) => Promise<AuditReport>;
  logger?: Logger;
  now?: () => Date;
  controlTitles?: Record<string, string>;
  /** Told about every digest once posted (App Home keeps its posture and chart, and refreshes); best effort. */
  onDigest?: (report: AuditReport, open: ReadonlyMap<string, FindingState>, chartFileId: string | undefined, day: string) => Promise<void>;
  /** Reads a resource's tags for approval rules that match on them (absent when none does); kept with the items. */
  resourceTags?: (resource: ProposalResource) => Promise<Record<string, string>>;
  /** Where a resource's news goes (ROUTING_FILE); set only with a routing table: the scheduled digest is then split. */
  routeResource?: (resource: ProposalResource) => Promise<Route>;
}

export interface DigestOutcome {
  posted: boolean;
  skipped?: 'no-channel' | 'tick-already-claimed';
  channel?: string;
  ts?: string;
  runId?: string;
  failing?: number;
  newCount?: number;
  fixedCount?: number;
  csvRows?: number;
  uploaded?: boolean;
  /** The routed channels that got their own digest (ROUTING_FILE). */
  routedChannels?: string[];
}

const DAY_MS = 24 * 3600 * 1000;

export interface DigestArtifacts {
  model: DigestModel;
  text: string;
  blocks: ReturnType<typeof digestBlocks>;
  csv: string;
  day: string;
}

/** Pure (besides the clock): model, blocks and CSV from an audit already filtered through the accepted risks. */
export function buildDigest(args: {
  report: AuditReport;
  previous: Parameters<typeof diffDigest>[1];
  risks: { active: AcceptedRiskRecord[]; expired: AcceptedRiskRecord[] };
  now: Date;
  tz: string;
  runId: string;
  requestedBy?: string;
  controlTitles?: Record<string, string>;
}): DigestArtifacts & { diff: ReturnType<typeof diffDigest> } {
  const diff = diffDigest(args.report, args.previous, args.now);
  const model = buildDigestModel({ report: args.report, diff, now: args.now, risks: args.risks, controlTitles: args.controlTitles });
  const day = dayInZone(args.now, args.tz);
  const blocks = digestBlocks(model, { runId: args.runId, day, ...(args.requestedBy ? { requestedBy: args.requestedBy } : {}) });
  return { model, diff, text: digestText(model, day), blocks, csv: digestCsv(model.items), day };
}

/** Everything one digest message needs besides its audit and its previous run. */
interface DigestRun {
  now: Date;
  risks: { active: AcceptedRiskRecord[]; expired: AcceptedRiskRecord[] };
  requestedBy?: string;
}

/** A digest posted in one channel, its items kept for "Propose fix", and its CSV (and chart) in its thread. */
interface PostedDigest {
  digest: ReturnType<typeof buildDigest>;
  runId: string;
  channel: string;
  ts: string;
  uploaded: boolean;
  chartFileId: string | undefined;
}

function newRunId(now: Date): string {
  return `d${now.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Only the accepted risks on the channel's resources (account- and control-wide ones stay with the whole picture). */
function risksOf(report: AuditReport, risks: DigestRun['risks']): DigestRun['risks'] {
  const arns = new Set(report.results.map((r) => r.resourceArn.toLowerCase()));
  const mine = (r: AcceptedRiskRecord) => r.scope === 'resource' && arns.has(r.resourceArn.toLowerCase());
  return { active: risks.active.filter(mine), expired: risks.expired.filter(mine) };
}

/**
 * Posts one digest and, in its thread, the CSV (and the trend chart, which is organisation-wide, with the whole
 * picture only). `afterPost` runs once the message is out (the scheduler tick is marked posted there).
 */
async function postOne(
  deps: DigestDeps,
  target: { channel: string; report: AuditReport; previous: Parameters<typeof diffDigest>[1]; withChart: boolean },
  run: DigestRun,
  afterPost: () => Promise<void>,
): Promise<PostedDigest> {
  const { slack, state, logger } = deps;
  const runId = newRunId(run.now);
  const digest = buildDigest({
    report: target.report,
    previous: target.previous,
    risks: target.withChart ? run.risks : risksOf(target.report, run.risks),
    now: run.now,
    tz: deps.config.app.digest.tz,
    runId,
    ...(run.requestedBy ? { requestedBy: run.requestedBy } : {}),
    ...(deps.controlTitles ? { controlTitles: deps.controlTitles } : {}),
  });
  const res = await slack.chat.postMessage({ channel: target.channel, text: digest.text, blocks: digest.blocks, unfurl_links: false });
  const channel = res.channel ?? target.channel;
  const ts = res.ts ?? '';
  await afterPost();
  // Each item keeps its resource's failing results (one proposal per resource) and, when rules need them, its tags.
  const failingOf = new Map<string, AuditReport['results']>();
  for (const r of target.report.results) if (r.status === 'FAILED') failingOf.set(resourceKey(r), [...(failingOf.get(resourceKey(r)) ?? []), r]);
  const refs = [];
  for (const i of digest.model.top) {
    const tags = deps.resourceTags ? await deps.resourceTags(i.result).catch(() => null) : undefined;
    refs.push({ runId, result: i.result, resourceResults: failingOf.get(resourceKey(i.result)) ?? [i.result], ...(tags !== undefined ? { tags } : {}), channelId: channel, threadTs: ts });
  }
  await state.saveItems(runId, refs);

  let uploaded = false;
  let chartFileId: string | undefined;
  try {
    const chartName = `sagemaker-trend-${digest.day}.png`;
    const files: { file: Buffer; filename: string; title: string }[] = [{ file: Buffer.from(digest.csv, 'utf8'), filename: `sagemaker-digest-${digest.day}.csv`, title: `SageMaker open findings ${digest.day}` }];
    if (target.withChart) files.push({ file: trendChartPng(await state.trend(digest.day)), filename: chartName, title: `Failing SageMaker resources, 30 days to ${digest.day}` });
    const upload = await slack.files.uploadV2({
      channel_id: channel,
      thread_ts: ts,
      initial_comment: `Full list: ${digest.model.items.length} open findings (CSV)${target.withChart ? ', and failing resources per day over the last 30 days' : ''}.`,
      file_uploads: files,
    });
    uploaded = true;
    // uploadV2 answers with each files.completeUploadExternal response; App Home shows the chart by its file id.
    const completed = (upload as { files?: { files?: { id?: string; name?: string }[] }[] }).files ?? [];
    chartFileId = completed.flatMap((c) => c.files ?? []).find((f) => f.name === chartName)?.id;
  } catch (err) {
    logger?.error({ err, channel }, 'digest posted, but the CSV/chart upload failed');
    await slack.chat
      .postMessage({ channel, thread_ts: ts, text: ':warning: The CSV and the trend chart could not be uploaded (files:write scope?). The digest above is complete.' })
      .catch((e: unknown) => logger?.error({ err: e }, 'could not report the upload failure'));
  }
  return { digest, runId, channel, ts, uploaded, chartFileId };
}

/** resourceKey → routed channel, for every resource with something open (FAILED, SUPPRESSED or UNKNOWN) now. */
async function ownersOf(report: AuditReport, routeResource: NonNullable<DigestDeps['routeResource']>, logger: Logger | undefined): Promise<Map<string, string>> {
  const open = new Map<string, AuditReport['results'][number]>();
  for (const r of report.results) if (r.status !== 'PASSED' && r.status !== 'NOT_APPLICABLE') open.set(resourceKey(r), r);
  const owners = new Map<string, string>();
  await mapLimit([...open], 8, async ([key, r]) => {
    try {
      owners.set(key, (await routeResource(r)).channel);
    } catch (err) {
      logger?.warn({ err, resourceArn: r.resourceArn }, 'could not route a resource for the digest; it stays with the whole picture');
    }
  });
  return owners;
}

/**
 * Runs the audit, compares with the last digest, posts the digest, then the CSV and trend chart in its thread.
 * With a routing table, the scheduled digest is also split: each routed channel gets the digest of what it owns
 * (an on-demand digest answers only the channel that asked). With `tick` (a scheduler job), the post is guarded by
 * SET NX on the tick: a retried or duplicated job posts once.
 */
export async function postDigest(data: DigestJobData, deps: DigestDeps, opts: { tick?: string; owner: string }): Promise<DigestOutcome> {
  const { config, state, risks, logger } = deps;
  const channel = data.channelId ?? config.app.digest.channel;
  if (!channel) {
    logger?.warn('no digest channel: set DIGEST_CHANNEL');
    return { posted: false, skipped: 'no-channel' };
  }
  if (opts.tick && !(await state.claimTick(opts.tick, opts.owner))) {
    logger?.info({ tick: opts.tick }, 'digest for this tick already posted (or being posted) by another worker');
    return { posted: false, skipped: 'tick-already-claimed' };
  }

  let posted = false;
  try {
    const now = (deps.now ?? (() => new Date()))();
    await expireRisks({ risks, securityHub: deps.securityHub, regions: config.regions, ...(logger ? { logger } : {}) }, now);
    const report = await deps.runAudit({ accounts: config.accounts, regions: config.regions, controls: [], source: 'both' });
    const active = await risks.listActive();
    const previous = await state.loadPrevious();
    const expired = (await risks.listEnded(new Date(previous ? Date.parse(previous.runAt) : now.getTime() - DAY_MS))).filter((r) => r.status === 'expired');
    const run: DigestRun = { now, risks: { active, expired }, ...(data.requestedBy ? { requestedBy: data.requestedBy } : {}) };
    const split = deps.routeResource !== undefined && data.channelId === undefined;
    const owners = split ? await ownersOf(report, deps.routeResource!, logger) : new Map<string, string>();

    const whole = await postOne(deps, { channel, report, previous, withChart: true }, run, async () => {
      posted = true;
      if (opts.tick) await state.markTickPosted(opts.tick, opts.owner);
    });
    if (split) for (const [key, s] of whole.digest.diff.next) s.channel = owners.get(resourceKey(s)) ?? previous?.open.get(key)?.channel;
    await state.save({ runId: whole.runId, runAt: now, day: whole.digest.day, failingBySeverity: whole.digest.model.bySeverity }, whole.digest.diff.next);

    const routed: string[] = [];
    for (const part of split ? splitByOwner(report, previous, owners, channel) : []) {
      try {
        await postOne(deps, { ...part, withChart: false }, run, async () => undefined);
        routed.push(part.channel);
      } catch (err) {
        logger?.error({ err, channel: part.channel }, 'could not post the digest of a routed channel (the whole picture is posted)');
      }
    }
    if (deps.onDigest) await deps.onDigest(report, whole.digest.diff.next, whole.chartFileId, whole.digest.day).catch((err: unknown) => logger?.warn({ err }, 'could not update App Home after the digest'));
    return {
      posted: true,
      channel: whole.channel,
      ts: whole.ts,
      runId: whole.runId,
      failing: whole.digest.model.totals.failing,
      newCount: whole.digest.model.newFailures.length,
      fixedCount: whole.digest.model.fixed.length,
      csvRows: whole.digest.model.items.length,
      uploaded: whole.uploaded,
      ...(routed.length > 0 ? { routedChannels: routed } : {}),
    };
  } catch (err) {
    if (opts.tick && !posted) await state.releaseTick(opts.tick, opts.owner).catch(() => undefined);
    throw err;
  }
}
