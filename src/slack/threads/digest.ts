import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AuditReport, CoveredScope } from '../../audit/report.js';
import type { Config } from '../../config.js';
import { trendChartPng } from '../../digest/chart.js';
import { digestCsv } from '../../digest/csv.js';
import { diffDigest, type FindingState } from '../../digest/diff.js';
import { dayInZone } from '../../digest/keys.js';
import { buildDigestModel, type DigestModel } from '../../digest/model.js';
import type { DigestStateStore } from '../../digest/state.js';
import type { DigestJobData } from '../../queue/jobs.js';
import { resourceKey, type ProposalResource } from '../../remediation/proposals.js';
import { expireRisks, type RiskJobDeps } from '../../risks/jobs.js';
import type { RiskStore } from '../../risks/store.js';
import type { AcceptedRiskRecord } from '../../risks/types.js';
import { digestBlocks, digestText } from '../blocks/digest.js';

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

/**
 * Runs the audit, compares with the last digest, posts the digest, then the CSV and trend chart in its thread.
 * With `tick` (a scheduler job), the post is guarded by SET NX on the tick: a retried or duplicated job posts once.
 */
export async function postDigest(data: DigestJobData, deps: DigestDeps, opts: { tick?: string; owner: string }): Promise<DigestOutcome> {
  const { config, slack, state, risks, logger } = deps;
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
    const runId = `d${now.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
    const digest = buildDigest({
      report,
      previous,
      risks: { active, expired },
      now,
      tz: config.app.digest.tz,
      runId,
      ...(data.requestedBy ? { requestedBy: data.requestedBy } : {}),
      ...(deps.controlTitles ? { controlTitles: deps.controlTitles } : {}),
    });

    const res = await slack.chat.postMessage({ channel, text: digest.text, blocks: digest.blocks, unfurl_links: false });
    posted = true;
    const ts = res.ts ?? '';
    if (opts.tick) await state.markTickPosted(opts.tick, opts.owner);
    // Each item keeps its resource's failing results (one proposal per resource) and, when rules need them, its tags.
    const failingOf = new Map<string, AuditReport['results']>();
    for (const r of report.results) if (r.status === 'FAILED') failingOf.set(resourceKey(r), [...(failingOf.get(resourceKey(r)) ?? []), r]);
    const refs = [];
    for (const i of digest.model.top) {
      const tags = deps.resourceTags ? await deps.resourceTags(i.result).catch(() => null) : undefined;
      refs.push({ runId, result: i.result, resourceResults: failingOf.get(resourceKey(i.result)) ?? [i.result], ...(tags !== undefined ? { tags } : {}), channelId: res.channel ?? channel, threadTs: ts });
    }
    await state.saveItems(runId, refs);
    await state.save({ runId, runAt: now, day: digest.day, failingBySeverity: digest.model.bySeverity }, digest.diff.next);

    let uploaded = false;
    let chartFileId: string | undefined;
    try {
      const trend = await state.trend(digest.day);
      const png = trendChartPng(trend);
      const chartName = `sagemaker-trend-${digest.day}.png`;
      const upload = await slack.files.uploadV2({
        channel_id: res.channel ?? channel,
        thread_ts: ts,
        initial_comment: `Full list: ${digest.model.items.length} open findings (CSV), and failing resources per day over the last 30 days.`,
        file_uploads: [
          { file: Buffer.from(digest.csv, 'utf8'), filename: `sagemaker-digest-${digest.day}.csv`, title: `SageMaker open findings ${digest.day}` },
          { file: png, filename: chartName, title: `Failing SageMaker resources, 30 days to ${digest.day}` },
        ],
      });
      uploaded = true;
      // uploadV2 answers with each files.completeUploadExternal response; App Home shows the chart by its file id.
      const completed = (upload as { files?: { files?: { id?: string; name?: string }[] }[] }).files ?? [];
      chartFileId = completed.flatMap((c) => c.files ?? []).find((f) => f.name === chartName)?.id;
    } catch (err) {
      logger?.error({ err }, 'digest posted, but the CSV/chart upload failed');
      await slack.chat
        .postMessage({ channel: res.channel ?? channel, thread_ts: ts, text: ':warning: The CSV and the trend chart could not be uploaded (files:write scope?). The digest above is complete.' })
        .catch((e: unknown) => logger?.error({ err: e }, 'could not report the upload failure'));
    }
    if (deps.onDigest) await deps.onDigest(report, digest.diff.next, chartFileId, digest.day).catch((err: unknown) => logger?.warn({ err }, 'could not update App Home after the digest'));
    return {
      posted: true,
      channel: res.channel ?? channel,
      ts,
      runId,
      failing: digest.model.totals.failing,
      newCount: digest.model.newFailures.length,
      fixedCount: digest.model.fixed.length,
      csvRows: digest.model.items.length,
      uploaded,
    };
  } catch (err) {
    if (opts.tick && !posted) await state.releaseTick(opts.tick, opts.owner).catch(() => undefined);
    throw err;
  }
}
