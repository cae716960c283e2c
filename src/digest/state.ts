import type { RedisClient } from '../util/redis-client.js';
import type { AuditResult } from '../audit/report.js';
import type { TrendPoint } from './chart.js';
import type { FindingState, PreviousRun } from './diff.js';
import { lastDays } from './keys.js';
import type { Severity } from '../aws/resources.js';

export const HISTORY_DAYS = 30;
const ITEM_TTL_SECONDS = 7 * 24 * 3600;
const TICK_TTL_SECONDS = 3 * 24 * 3600;
const CHUNK = 500;

export interface LastRun {
  runId: string;
  runAt: string;
  open: number;
}

/** A failure shown with buttons in a digest, kept so "Propose fix" can build a proposal later. */
export interface DigestItemRef {
  runId: string;
  result: AuditResult;
  /** Every FAILED result of the item's resource: "Propose fix" proposes one fix for all of them. */
  resourceResults?: AuditResult[];
  /** The resource's tags, read when approval rules match on tags. */
  tags?: Record<string, string> | null;
  channelId: string;
  threadTs: string;
}

/**
 * Digest state in Redis, so it survives restarts:
 * - `digest:findings`: hash finding key → FindingState (firstSeen, lastSeen, severity, name, …) of every finding
 *   open at the last digest; its key set is that run's open set, replaced atomically by each run;
 * - `digest:last-run`: when the last digest ran;
 * - `digest:history`: hash day → failing counts by severity, the last 30 days;
 * - `digest:tick:<ts>`: one post per scheduler tick (SET NX);
 * - `digest:items:<runId>`: the failures shown with buttons, for a week.
 */
export class DigestStateStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private k(name: string): string {
    return `${this.prefix}:digest:${name}`;
  }

  async lastRun(): Promise<LastRun | null> {
    const json = await this.redis.get(this.k('last-run'));
    return json ? (JSON.parse(json) as LastRun) : null;
  }

  /** The previous digest's open findings; null before the first digest. */
  async loadPrevious(): Promise<PreviousRun | null> {
    const [last, all] = await Promise.all([this.lastRun(), this.redis.hgetall(this.k('findings'))]);
    if (!last) return null;
    const open = new Map<string, FindingState>();
    for (const [key, json] of Object.entries(all)) open.set(key, JSON.parse(json) as FindingState);
    return { runAt: last.runAt, open };
  }

  /**
   * Stores this run in one MULTI/EXEC: the open findings replace the previous set, the run time and the day's
   * failing counts are written, and history older than 30 days is dropped.
   */
  async save(run: { runId: string; runAt: Date; day: string; failingBySeverity: Record<Severity, number> }, next: Map<string, FindingState>): Promise<void> {
    const tmp = this.k(`findings:tmp:${run.runId}`);
    const multi = this.redis.multi().del(tmp);
    const entries = [...next.entries()];
    for (let i = 0; i < entries.length; i += CHUNK) {
      const args: string[] = [];
      for (const [key, state] of entries.slice(i, i + CHUNK)) args.push(key, JSON.stringify(state));
      multi.hset(tmp, ...args);
    }
    if (entries.length > 0) multi.rename(tmp, this.k('findings'));
    else multi.del(this.k('findings'));
    multi.set(this.k('last-run'), JSON.stringify({ runId: run.runId, runAt: run.runAt.toISOString(), open: next.size } satisfies LastRun));
    multi.hset(this.k('history'), run.day, JSON.stringify(run.failingBySeverity));
    const keep = new Set(lastDays(run.day, HISTORY_DAYS));
    const days = await this.redis.hkeys(this.k('history'));
    const old = days.filter((d) => !keep.has(d) && d !== run.day);
    if (old.length > 0) multi.hdel(this.k('history'), ...old);
    const out = await multi.exec();
    const failed = out?.find(([err]) => err);
    if (!out || failed) throw new Error(`digest state not saved: ${failed?.[0]?.message ?? 'transaction aborted'}`);
  }

  /** The 30 days ending with `lastDay`, oldest first; days without a digest have null counts. */
  async trend(lastDay: string, days = HISTORY_DAYS): Promise<TrendPoint[]> {
    const wanted = lastDays(lastDay, days);
    const values = await this.redis.hmget(this.k('history'), ...wanted);
    return wanted.map((day, i) => {
      const v = values[i];
      return { day, counts: v ? (JSON.parse(v) as Record<Severity, number>) : null };
    });
  }

  /** Claims a scheduler tick; false when another worker or an earlier attempt already has it. */
  async claimTick(tick: string, owner: string): Promise<boolean> {
    return (await this.redis.set(this.k(`tick:${tick}`), `posting:${owner}`, 'EX', TICK_TTL_SECONDS, 'NX')) === 'OK';
  }

  async markTickPosted(tick: string, owner: string): Promise<void> {
    await this.redis.set(this.k(`tick:${tick}`), `posted:${owner}`, 'EX', TICK_TTL_SECONDS);
  }

  /** Gives a tick back after a failed post (only if this owner still holds it), so a retry can post. */
  async releaseTick(tick: string, owner: string): Promise<void> {
    await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      this.k(`tick:${tick}`),
      `posting:${owner}`,
    );
  }

  async saveItems(runId: string, refs: DigestItemRef[]): Promise<void> {
    if (refs.length === 0) return;
    const key = this.k(`items:${runId}`);
    const args: string[] = [];
    refs.forEach((r, i) => args.push(String(i), JSON.stringify(r)));
    await this.redis.multi().hset(key, ...args).expire(key, ITEM_TTL_SECONDS).exec();
  }

  /**
   * Remembers the proposal made from a digest item; returns the one already made (a second click) or null when
   * this call's id was stored.
   */
  async claimProposal(runId: string, index: number, proposalId: string): Promise<string | null> {
    const key = this.k(`proposed:${runId}:${index}`);
    const set = await this.redis.set(key, proposalId, 'EX', ITEM_TTL_SECONDS, 'NX');
    return set === 'OK' ? null : await this.redis.get(key);
  }

  async releaseProposal(runId: string, index: number, proposalId: string): Promise<void> {
    await this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, this.k(`proposed:${runId}:${index}`), proposalId);
  }

  async getItem(runId: string, index: number): Promise<DigestItemRef | null> {
    const json = await this.redis.hget(this.k(`items:${runId}`), String(index));
    return json ? (JSON.parse(json) as DigestItemRef) : null;
  }
}
