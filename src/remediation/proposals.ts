import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../util/redis-client.js';
import type { AuditResult } from '../audit/report.js';
import type { RemediationPlan } from '../plans/plan.js';

/**
 * A remediation proposal: one failing result, its plan, and the Slack message that shows it.
 * Decisions are compare-and-set in Redis, so a double click or two approvers at once decide once.
 */
export type ProposalStatus = 'pending' | 'approved' | 'denied' | 'running' | 'succeeded' | 'failed';

export interface Proposal {
  id: string;
  createdAt: string;
  /** The audit job that found the failure. */
  auditId: string;
  /** Slack user who asked for the audit (for the two-person rule). */
  requestedBy: string;
  result: AuditResult & { remediation: RemediationPlan };
  /** configurationFingerprint() of the resource when it was audited: the drift gate compares with it. */
  fingerprint: string;
  slack: { channelId: string; threadTs: string; messageTs?: string };
}

export interface ProposalState {
  status: ProposalStatus;
  /** Who approved or denied, and when. */
  decidedBy?: string;
  decidedAt?: string;
  /** Last word from the worker (result or failure), shown on the proposal message. */
  note?: string;
  updatedAt: string;
}

// KEYS[1] = state key; KEYS[2] = approved-not-yet-queued index set;
// ARGV[1] = JSON list of allowed current statuses; ARGV[2] = new state JSON; ARGV[3] = proposal id.
// Returns the state after the call and whether it changed. A move to 'approved' adds the id to the index in the
// same script, so an approval is never lost to a crash between the decision and the enqueue.
const TRANSITION = `
local current = redis.call('GET', KEYS[1])
if not current then return {0, ''} end
local allowed = cjson.decode(ARGV[1])
local status = cjson.decode(current)['status']
for _, s in ipairs(allowed) do
  if s == status then
    redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
    if cjson.decode(ARGV[2])['status'] == 'approved' then redis.call('SADD', KEYS[2], ARGV[3]) end
    return {1, ARGV[2]}
  end
end
return {0, current}
`;

export function newProposalId(): string {
  // Letters first: BullMQ rejects job ids made of digits only, and ids must not contain ':'.
  return `p${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

export class ProposalStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlSeconds = 30 * 24 * 3600,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:proposal:${id}`;
  }

  private stateKey(id: string): string {
    return `${this.prefix}:proposal:${id}:state`;
  }

  private get approvedIndexKey(): string {
    return `${this.prefix}:proposals:approved-not-queued`;
  }

  /**
   * Makes `owner` (a remediation job id) the one job that may act on the proposal, whatever happens to the queue's
   * de-duplication: the first to claim it owns it; the owner itself may claim again (a resumed delivery).
   */
  async claim(id: string, owner: string): Promise<boolean> {
    const key = `${this.prefix}:remediation:owner:${id}`;
    if (await this.redis.set(key, owner, 'EX', this.ttlSeconds, 'NX')) return true;
    return (await this.redis.get(key)) === owner;
  }

  /** Proposals approved whose remediation job may not be queued yet (see `markQueued`). */
  async approvedNotQueued(): Promise<string[]> {
    return this.redis.smembers(this.approvedIndexKey);
  }

  /** Called once the remediation job for `id` is queued (or no longer needed). */
  async markQueued(id: string): Promise<void> {
    await this.redis.srem(this.approvedIndexKey, id);
  }

  async create(proposal: Proposal, now = new Date()): Promise<void> {
    const state: ProposalState = { status: 'pending', updatedAt: now.toISOString() };
    await this.redis
      .multi()
      .set(this.key(proposal.id), JSON.stringify(proposal), 'EX', this.ttlSeconds)
      .set(this.stateKey(proposal.id), JSON.stringify(state), 'EX', this.ttlSeconds, 'NX')
      .exec();
  }

  async setMessageTs(id: string, messageTs: string): Promise<void> {
    const found = await this.get(id);
    if (!found) return;
    found.proposal.slack.messageTs = messageTs;
    await this.redis.set(this.key(id), JSON.stringify(found.proposal), 'KEEPTTL');
  }

  async get(id: string): Promise<{ proposal: Proposal; state: ProposalState } | null> {
    const [proposal, state] = await this.redis.mget(this.key(id), this.stateKey(id));
    if (!proposal || !state) return null;
    return { proposal: JSON.parse(proposal) as Proposal, state: JSON.parse(state) as ProposalState };
  }

  /**
   * Moves the proposal to `to` only if its status is one of `from`. Returns whether this call made the change
   * and the state as it now stands (the winner's, when another click got there first).
   */
  async transition(
    id: string,
    from: ProposalStatus[],
    to: ProposalStatus,
    details: { by?: string; note?: string; now?: Date } = {},
  ): Promise<{ changed: boolean; state: ProposalState | null }> {
    const current = await this.redis.get(this.stateKey(id));
    if (!current) return { changed: false, state: null };
    const previous = JSON.parse(current) as ProposalState;
    const at = (details.now ?? new Date()).toISOString();
    const next: ProposalState = {
      ...previous,
      status: to,
      updatedAt: at,
      ...(to === 'approved' || to === 'denied' ? { decidedBy: details.by, decidedAt: at } : {}),
      ...(details.note !== undefined ? { note: details.note } : {}),
    };
    const [changed, stateJson] = (await this.redis.eval(
      TRANSITION,
      2,
      this.stateKey(id),
      this.approvedIndexKey,
      JSON.stringify(from),
      JSON.stringify(next),
      id,
    )) as [number, string];
    return { changed: changed === 1, state: stateJson ? (JSON.parse(stateJson) as ProposalState) : null };
  }
}
