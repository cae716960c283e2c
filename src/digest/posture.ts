import type { RedisClient } from '../util/redis-client.js';
import type { AuditReport } from '../audit/report.js';
import type { Severity } from '../aws/resources.js';
import { findingKey, severityRank } from './keys.js';

/**
 * Posture at a glance, as App Home shows it: kept in Redis by each audit of the whole configured scope and each
 * digest, so opening Home reads a few small keys and never calls AWS. Bounded whatever the fleet: counts, and the
 * oldest few open failures.
 */

export interface OpenFailure {
  controlId: string;
  severity: Severity;
  resourceName: string;
  accountId: string;
  region: string;
  /** When it was first seen failing (the digest's memory of it), else when this audit saw it. */
  firstSeen: string;
}

export interface Posture {
  at: string;
  /** What measured it. */
  source: 'audit' | 'digest';
  failing: number;
  suppressed: number;
  checked: number;
  /** FAILED results (not SUPPRESSED) by severity. */
  bySeverity: Record<Severity, number>;
  oldest: OpenFailure[];
}

export const OLDEST_KEPT = 10;

/** The posture of a report (accepted risks applied); `firstSeen` maps finding keys to when each was first seen failing. */
export function postureOf(report: Pick<AuditReport, 'generatedAt' | 'summary' | 'results'>, source: Posture['source'], firstSeen: ReadonlyMap<string, string>): Posture {
  const oldest: OpenFailure[] = [];
  for (const r of report.results) {
    if (r.status !== 'FAILED') continue;
    oldest.push({ controlId: r.controlId, severity: r.severity, resourceName: r.resourceName, accountId: r.accountId, region: r.region, firstSeen: firstSeen.get(findingKey(r)) ?? report.generatedAt });
  }
  oldest.sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : severityRank(a.severity) - severityRank(b.severity)));
  return {
    at: report.generatedAt,
    source,
    failing: report.summary.byStatus.FAILED ?? 0,
    suppressed: report.summary.byStatus.SUPPRESSED ?? 0,
    checked: report.summary.total,
    bySeverity: { ...report.summary.failedBySeverity },
    oldest: oldest.slice(0, OLDEST_KEPT),
  };
}

/** The digest's trend chart, uploaded to Slack, so Home can show it (`slack_file`). */
export interface TrendChart {
  fileId: string;
  day: string;
}

export class PostureStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private k(name: string): string {
    return `${this.prefix}:posture:${name}`;
  }

  async save(posture: Posture): Promise<void> {
    await this.redis.set(this.k('latest'), JSON.stringify(posture));
  }

  async get(): Promise<Posture | null> {
    const json = await this.redis.get(this.k('latest'));
    return json ? (JSON.parse(json) as Posture) : null;
  }

  async saveChart(chart: TrendChart): Promise<void> {
    await this.redis.set(this.k('chart'), JSON.stringify(chart));
  }

  async chart(): Promise<TrendChart | null> {
    const json = await this.redis.get(this.k('chart'));
    return json ? (JSON.parse(json) as TrendChart) : null;
  }

  /** Remembers who opened Home, so an audit or digest can refresh their Home; the 200 most recent are kept. */
  async sawViewer(userId: string, now: Date): Promise<void> {
    await this.redis.multi().zadd(this.k('viewers'), now.getTime(), userId).zremrangebyrank(this.k('viewers'), 0, -201).exec();
  }

  /** Who opened Home since `since`, most recent first, at most `limit`. */
  async viewers(since: Date, limit: number): Promise<string[]> {
    return this.redis.zrevrangebyscore(this.k('viewers'), '+inf', since.getTime(), 'LIMIT', 0, limit);
  }
}
