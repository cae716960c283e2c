import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../util/redis-client.js';
import type { AuditTrail } from '../trail.js';
import type { AcceptedRiskRecord, RiskScope, RiskTarget } from './types.js';

export interface AcceptRiskInput {
  target: RiskTarget;
  scope: RiskScope;
  reason: string;
  /** ISO timestamp. */
  expiresAt: string;
  acceptedBy: string;
}

/** Ended (revoked or expired) risks are kept this long, for the digest and `exceptions`. */
const ENDED_RETENTION_MS = 90 * 24 * 3600 * 1000;

// KEYS[1] active hash, KEYS[2] ended hash, KEYS[3] ended-at zset; ARGV[1] id, ARGV[2] ended JSON, ARGV[3] score.
// Moves the risk only if it is still active: of two workers (or two clicks), one wins.
const END = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
  return 1
end
return 0
`;

export function newRiskId(): string {
  return `r${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

function sameTarget(a: AcceptedRiskRecord, b: { target: RiskTarget; scope: RiskScope }): boolean {
  if (a.scope !== b.scope || a.controlId.toLowerCase() !== b.target.controlId.toLowerCase() || a.accountId !== b.target.accountId) return false;
  return a.scope === 'control-in-account' || (a.region === b.target.region && a.resourceArn.toLowerCase() === b.target.resourceArn.toLowerCase());
}

/**
 * Accepted risks in Redis: active ones in one hash, ended (revoked/expired) ones in another for 90 days.
 * Every change is recorded on the audit trail (risk-accepted, risk-revoked, risk-expired).
 */
export class RiskStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly trail?: AuditTrail,
  ) {}

  private get activeKey() {
    return `${this.prefix}:risks:active`;
  }
  private get endedKey() {
    return `${this.prefix}:risks:ended`;
  }
  private get endedAtKey() {
    return `${this.prefix}:risks:ended-at`;
  }

  /** Accepts a risk. Accepting the same target and scope again updates reason and expiry of the active one. */
  async accept(input: AcceptRiskInput, now = new Date()): Promise<AcceptedRiskRecord> {
    const existing = (await this.listActive()).find((r) => sameTarget(r, input));
    const record: AcceptedRiskRecord = {
      ...(existing ?? {}),
      id: existing?.id ?? newRiskId(),
      ...input.target,
      scope: input.scope,
      reason: input.reason,
      acceptedBy: input.acceptedBy,
      acceptedAt: now.toISOString(),
      expiresAt: input.expiresAt,
      status: 'active',
    };
    await this.redis.hset(this.activeKey, record.id, JSON.stringify(record));
    await this.recordEvent('risk-accepted', input.acceptedBy, record, `${record.scope === 'resource' ? 'this resource' : 'this control in this account'} until ${record.expiresAt}: ${record.reason}`, now);
    return record;
  }

  /** The risk's trail event: the control and account, and the resource when the risk is for one. */
  private async recordEvent(type: 'risk-accepted' | 'risk-revoked' | 'risk-expired', actor: string, record: AcceptedRiskRecord, detail: string, now: Date): Promise<void> {
    await this.trail?.record(
      {
        type,
        actor,
        controlId: record.controlId,
        accountId: record.accountId,
        region: record.region,
        resourceArn: record.scope === 'resource' ? record.resourceArn : undefined,
        resourceName: record.scope === 'resource' ? record.resourceName : undefined,
        detail,
      },
      now,
    );
  }

  /**
   * Stores risks read from an exported file as they were accepted (who, when, until when). A risk for a target that
   * already has an active one replaces that one's reason and dates, keeping its id; risks no longer in force are
   * skipped. Each stored risk is a 'risk-accepted' trail event by `by`, naming its original approver.
   */
  async importRisks(records: readonly AcceptedRiskRecord[], by: string, now = new Date()): Promise<{ imported: number; updated: number; skipped: number }> {
    const out = { imported: 0, updated: 0, skipped: 0 };
    const active = await this.listActive();
    for (const r of records) {
      if (r.status !== 'active' || Date.parse(r.expiresAt) <= now.getTime()) {
        out.skipped += 1;
        continue;
      }
      const existing = active.find((a) => a.id === r.id || sameTarget(a, { target: r, scope: r.scope }));
      const record: AcceptedRiskRecord = { ...(existing ?? {}), ...r, id: existing?.id ?? r.id, status: 'active' };
      await this.redis.hset(this.activeKey, record.id, JSON.stringify(record));
      out[existing ? 'updated' : 'imported'] += 1;
      await this.recordEvent('risk-accepted', by, record, `imported from a file: accepted by ${record.acceptedBy} on ${record.acceptedAt} until ${record.expiresAt}: ${record.reason}`, now);
    }
    return out;
  }

  async get(id: string): Promise<AcceptedRiskRecord | null> {
    const active = await this.redis.hget(this.activeKey, id);
    if (active) return JSON.parse(active) as AcceptedRiskRecord;
    const ended = await this.redis.hget(this.endedKey, id);
    return ended ? (JSON.parse(ended) as AcceptedRiskRecord) : null;
  }

  /** Active records, including any whose expiry has passed but that `expireDue` has not ended yet. */
  async listActive(): Promise<AcceptedRiskRecord[]> {
    const all = await this.redis.hvals(this.activeKey);
    return all.map((j) => JSON.parse(j) as AcceptedRiskRecord).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  }

  /** Revoked or expired risks that ended after `since` (all kept ones when omitted), newest first. */
  async listEnded(since?: Date): Promise<AcceptedRiskRecord[]> {
    const ids = await this.redis.zrangebyscore(this.endedAtKey, since ? `(${since.getTime()}` : '-inf', '+inf');
    if (ids.length === 0) return [];
    const values = await this.redis.hmget(this.endedKey, ...ids);
    return values
      .filter((v): v is string => v !== null)
      .map((j) => JSON.parse(j) as AcceptedRiskRecord)
      .sort((a, b) => (b.endedAt ?? '').localeCompare(a.endedAt ?? ''));
  }

  /** Records the Security Hub findings a risk suppressed (no-op if it ended meanwhile). */
  async setSecurityHub(id: string, info: NonNullable<AcceptedRiskRecord['securityHub']>): Promise<void> {
    const json = await this.redis.hget(this.activeKey, id);
    if (!json) return;
    const record = { ...(JSON.parse(json) as AcceptedRiskRecord), securityHub: info };
    // Only write back if still active (a concurrent revoke wins).
    await this.redis.eval(
      "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end return 0",
      1,
      this.activeKey,
      id,
      JSON.stringify(record),
    );
  }

  private async end(record: AcceptedRiskRecord, status: 'revoked' | 'expired', by: string, now: Date): Promise<AcceptedRiskRecord | null> {
    const ended: AcceptedRiskRecord = { ...record, status, endedAt: now.toISOString(), endedBy: by };
    const moved = (await this.redis.eval(END, 3, this.activeKey, this.endedKey, this.endedAtKey, record.id, JSON.stringify(ended), String(now.getTime()))) as number;
    if (moved !== 1) return null;
    await this.recordEvent(
      status === 'revoked' ? 'risk-revoked' : 'risk-expired',
      by,
      record,
      status === 'revoked' ? `accepted risk ${record.id} revoked` : `accepted risk ${record.id} expired (${record.expiresAt})`,
      now,
    );
    return ended;
  }

  /** Revokes an active risk. Null when it is unknown or already ended. */
  async revoke(id: string, by: string, now = new Date()): Promise<AcceptedRiskRecord | null> {
    const json = await this.redis.hget(this.activeKey, id);
    if (!json) return null;
    return this.end(JSON.parse(json) as AcceptedRiskRecord, 'revoked', by, now);
  }

  /** Ends every active risk whose expiry is at or before `now`; returns those this call ended. */
  async expireDue(now = new Date()): Promise<AcceptedRiskRecord[]> {
    const out: AcceptedRiskRecord[] = [];
    for (const r of await this.listActive()) {
      if (Date.parse(r.expiresAt) > now.getTime()) continue;
      const ended = await this.end(r, 'expired', 'scheduler', now);
      if (ended) out.push(ended);
    }
    await this.prune(now);
    return out;
  }

  private async prune(now: Date): Promise<void> {
    const cutoff = now.getTime() - ENDED_RETENTION_MS;
    const old = await this.redis.zrangebyscore(this.endedAtKey, '-inf', String(cutoff));
    if (old.length === 0) return;
    await this.redis.multi().hdel(this.endedKey, ...old).zrem(this.endedAtKey, ...old).exec();
  }
}
