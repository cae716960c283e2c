import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../util/redis-client.js';
import { resourceKey, type AuditResult } from '../audit/report.js';
import { compareControlIds } from '../controls/index.js';
import { severityRank } from '../digest/keys.js';
import { mergePlans, type ResourcePlan } from '../plans/merge.js';
import type { RemediationPlan } from '../plans/plan.js';

/**
 * A remediation proposal: ONE per resource. It covers every FAILED result of the resource that has a plan, with
 * their plans merged into one (src/plans/merge.ts), and the Slack message that shows it. Decisions are
 * compare-and-set in Redis, so a double click or two approvers at once decide once; a proposal already open for the
 * same resource and configuration is reused instead of posted again (audits, the digest's "Propose fix", `resource=`).
 */
/** `closed`: no decision is needed any more (fixed outside the bot, the resource deleted, a newer proposal replaces it). */
export type ProposalStatus = 'pending' | 'approved' | 'denied' | 'running' | 'succeeded' | 'failed' | 'closed';

/** A FAILED result with its control's own plan. */
export type ProposableResult = AuditResult & { remediation: RemediationPlan };

/** The resource a proposal is about (all its results name the same one). */
export type ProposalResource = Pick<AuditResult, 'resourceKind' | 'resourceType' | 'resourceArn' | 'resourceName' | 'accountId' | 'region'>;

/** What a proposal is made of, before it has an id and a thread. */
export interface ProposalDraft {
  /** The resource's FAILED results with a plan, most severe first (then in control order). */
  results: ProposableResult[];
  /** Their plans merged: the steps one approval runs, the controls they claim, the guided fixes. */
  plan: ResourcePlan;
  /** configurationFingerprint() of the resource when it was audited: the drift gate compares with it. */
  fingerprint: string;
}

export interface Proposal extends ProposalDraft {
  id: string;
  createdAt: string;
  /** The audit job (or digest run) that found the failures. */
  auditId: string;
  /** Slack user who asked for the audit (approval rules may exclude them). */
  requestedBy: string;
  /** The resource's tags when they were read (approval rules may match on them); null when not read. */
  tags: Record<string, string> | null;
  /** Set when a change event found the failures: what changed, and where routing sent the proposal. */
  trigger?: ProposalTrigger;
  /** Where it is shown; `teamId` (the workspace) is absent on proposals stored by older versions. */
  slack: { channelId: string; threadTs: string; messageTs?: string; teamId?: string };
}

export interface ProposalTrigger {
  /** The API call (CloudTrail) or control (Security Hub) of the event. */
  cause: string;
  /** When the change happened (the event's time), ISO. */
  at: string;
  /** The routing rule that chose the channel (`default` for the default), and the user group it mentions. */
  route: { rule: string; mention?: string | undefined };
}

export interface Approval {
  by: string;
  at: string;
}

export interface ProposalState {
  status: ProposalStatus;
  /** Approvals given so far, oldest first (a rule may need several distinct approvers). */
  approvals?: Approval[];
  /** Who made the decision (the approval that completed it, or the denial), and when. */
  decidedBy?: string;
  decidedAt?: string;
  /** Last word from the worker (result or failure), shown on the proposal message. */
  note?: string;
  updatedAt: string;
}

export function resourceOf(p: ProposalDraft): ProposalResource {
  const r = p.results[0]!;
  return { resourceKind: r.resourceKind, resourceType: r.resourceType, resourceArn: r.resourceArn, resourceName: r.resourceName, accountId: r.accountId, region: r.region };
}

/** The most severe of the proposal's results (they are sorted most severe first). */
export function severityOf(p: ProposalDraft): AuditResult['severity'] {
  return p.results[0]!.severity;
}

export function controlIdsOf(p: ProposalDraft): string[] {
  return p.results.map((r) => r.controlId);
}

const bySeverityThenControl = (a: AuditResult, b: AuditResult): number =>
  severityRank(a.severity) - severityRank(b.severity) || compareControlIds(a.controlId, b.controlId);

/** One resource's FAILED results (with plans) as a draft: sorted, plans merged. */
export function draftFor(results: readonly ProposableResult[]): ProposalDraft {
  const sorted = [...results].sort(bySeverityThenControl);
  return {
    results: sorted,
    plan: mergePlans(sorted.map((r) => ({ controlId: r.controlId, plan: r.remediation }))),
    // The engine computes configurationFingerprint(snapshot.detail, snapshot.tags) per resource; the drift gate
    // compares with it. Without one there is nothing to compare: empty string (the gate then stops the fix).
    fingerprint: sorted.find((r) => r.fingerprint)?.fingerprint ?? '',
  };
}

/**
 * One draft per resource with FAILED results that have a plan, riskiest first: the most severe result, then the
 * resource with more failing controls, then an automatic fix before a guided one, then by place and name.
 */
export function draftsFor(results: readonly AuditResult[]): ProposalDraft[] {
  const byResource = new Map<string, ProposableResult[]>();
  for (const r of results) {
    if (r.status !== 'FAILED' || !r.remediation) continue;
    const key = resourceKey(r);
    byResource.set(key, [...(byResource.get(key) ?? []), r as ProposableResult]);
  }
  return [...byResource.values()].map(draftFor).sort(compareDrafts);
}

export function compareDrafts(a: ProposalDraft, b: ProposalDraft): number {
  const ra = resourceOf(a);
  const rb = resourceOf(b);
  return (
    severityRank(severityOf(a)) - severityRank(severityOf(b)) ||
    b.results.length - a.results.length ||
    Number(a.plan.kind === 'manual') - Number(b.plan.kind === 'manual') ||
    ra.accountId.localeCompare(rb.accountId) ||
    ra.region.localeCompare(rb.region) ||
    ra.resourceName.localeCompare(rb.resourceName)
  );
}

/** Reads a stored proposal, including one stored before proposals covered a whole resource (one result, one plan). */
function upgrade(raw: Proposal & { result?: ProposableResult }): Proposal {
  if (Array.isArray(raw.results) && raw.plan) return raw;
  const { result, ...rest } = raw;
  return { ...rest, ...draftFor(result ? [result] : []), fingerprint: raw.fingerprint, tags: raw.tags ?? null };
}

// KEYS[1] state; KEYS[2] approved-not-yet-queued set; KEYS[3] pending zset.
// ARGV[1] JSON list of allowed current statuses; ARGV[2] new state JSON; ARGV[3] proposal id.
// Returns whether it changed and the state after the call. A move to 'approved' adds the id to the index in the
// same script, so an approval is never lost to a crash between the decision and the enqueue.
const TRANSITION = `
local current = redis.call('GET', KEYS[1])
if not current then return {0, ''} end
local allowed = cjson.decode(ARGV[1])
local status = cjson.decode(current)['status']
for _, s in ipairs(allowed) do
  if s == status then
    redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
    local to = cjson.decode(ARGV[2])['status']
    if to == 'approved' then redis.call('SADD', KEYS[2], ARGV[3]) end
    if to ~= 'pending' then redis.call('ZREM', KEYS[3], ARGV[3]) end
    return {1, ARGV[2]}
  end
end
return {0, current}
`;

// KEYS[1] state; KEYS[2] approved-not-yet-queued set; KEYS[3] pending zset.
// ARGV[1] approver; ARGV[2] approvals needed; ARGV[3] JSON list of earlier approvers checked again now;
// ARGV[4] JSON list of those still allowed; ARGV[5] now (ISO); ARGV[6] proposal id.
// Adds one approval to a pending proposal, first dropping earlier approvals whose approver is no longer allowed;
// the approval that reaches the count approves it (and indexes it, as TRANSITION does).
// Returns {0, state} when not pending, {2, state} when this person already approved, {1, state, dropped} otherwise.
const APPROVE = `
local current = redis.call('GET', KEYS[1])
if not current then return {0, ''} end
local s = cjson.decode(current)
if s['status'] ~= 'pending' then return {0, current} end
local checked, allowed = {}, {}
for _, u in ipairs(cjson.decode(ARGV[3])) do checked[u] = true end
for _, u in ipairs(cjson.decode(ARGV[4])) do allowed[u] = true end
local kept, dropped = {}, {}
for _, a in ipairs(s['approvals'] or {}) do
  if a['by'] == ARGV[1] then return {2, current} end
  if checked[a['by']] and not allowed[a['by']] then table.insert(dropped, a['by']) else table.insert(kept, a) end
end
table.insert(kept, { by = ARGV[1], at = ARGV[5] })
s['approvals'] = kept
s['updatedAt'] = ARGV[5]
if #kept >= tonumber(ARGV[2]) then
  s['status'] = 'approved'
  s['decidedBy'] = ARGV[1]
  s['decidedAt'] = ARGV[5]
  redis.call('SADD', KEYS[2], ARGV[6])
  redis.call('ZREM', KEYS[3], ARGV[6])
end
local next = cjson.encode(s)
redis.call('SET', KEYS[1], next, 'KEEPTTL')
return {1, next, cjson.encode(dropped)}
`;

// KEYS[1] by-resource hash; KEYS[2] pending zset; KEYS[3] new proposal; KEYS[4] its state.
// ARGV[1] resource key; ARGV[2] new id; ARGV[3] proposal JSON; ARGV[4] state JSON; ARGV[5] ttl seconds;
// ARGV[6] key prefix; ARGV[7] fingerprint; ARGV[8] JSON list of the draft's control ids; ARGV[9] created-at millis.
// An open proposal for the resource with the same fingerprint that covers every control of the draft is reused
// ({0, its id}); otherwise the new one is stored and becomes the resource's ({1, new id}). One script: two audits
// at once cannot both post.
const CREATE_OR_REUSE = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  local st = redis.call('GET', ARGV[6] .. ':proposal:' .. existing .. ':state')
  local pj = redis.call('GET', ARGV[6] .. ':proposal:' .. existing)
  if st and pj then
    local status = cjson.decode(st)['status']
    if status == 'pending' or status == 'approved' or status == 'running' then
      local p = cjson.decode(pj)
      if p['fingerprint'] == ARGV[7] and p['results'] then
        local have = {}
        for _, r in ipairs(p['results']) do have[r['controlId']] = true end
        local covers = true
        for _, c in ipairs(cjson.decode(ARGV[8])) do if not have[c] then covers = false end end
        if covers then return {0, existing} end
      end
    end
  end
end
redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[5])
redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[5], 'NX')
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[9], ARGV[2])
return {1, ARGV[2]}
`;

export function newProposalId(): string {
  // Letters first: BullMQ rejects job ids made of digits only, and ids must not contain ':'.
  return `p${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** cjson writes an empty Lua table as `{}`: read a list back as a list. */
const asList = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function parseState(json: string): ProposalState {
  const state = JSON.parse(json) as ProposalState;
  if (state.approvals !== undefined) state.approvals = asList<Approval>(state.approvals);
  return state;
}

export type ApproveResult =
  | { outcome: 'recorded'; state: ProposalState; dropped: string[] }
  | { outcome: 'approved'; state: ProposalState; dropped: string[] }
  | { outcome: 'already-approved-by-you'; state: ProposalState | null }
  | { outcome: 'not-pending'; state: ProposalState | null };

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

  private get byResourceKey(): string {
    return `${this.prefix}:proposals:by-resource`;
  }

  private get pendingKey(): string {
    return `${this.prefix}:proposals:pending`;
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

  /**
   * Stores `proposal` as pending, unless a proposal for the same resource is open (pending, approved or running)
   * with the same fingerprint and covers every control this one does: then that one stands, and is returned.
   */
  async createOrReuse(proposal: Proposal, now = new Date()): Promise<{ created: true; proposal: Proposal } | { created: false; existing: { proposal: Proposal; state: ProposalState } }> {
    const state: ProposalState = { status: 'pending', updatedAt: now.toISOString() };
    const [created, id] = (await this.redis.eval(
      CREATE_OR_REUSE,
      4,
      this.byResourceKey,
      this.pendingKey,
      this.key(proposal.id),
      this.stateKey(proposal.id),
      resourceKey(resourceOf(proposal)),
      proposal.id,
      JSON.stringify(proposal),
      JSON.stringify(state),
      String(this.ttlSeconds),
      this.prefix,
      proposal.fingerprint,
      JSON.stringify(controlIdsOf(proposal)),
      String(Date.parse(proposal.createdAt) || now.getTime()),
    )) as [number, string];
    if (created === 1) return { created: true, proposal };
    const existing = await this.get(id);
    // Expired between the script and this read: store this one after all.
    if (!existing) return this.createOrReuse(proposal, now);
    return { created: false, existing };
  }

  /** Forgets a proposal that was stored but could not be shown, so the next audit proposes the resource again. */
  async discard(id: string): Promise<void> {
    const found = await this.get(id);
    if (found) {
      await this.redis.eval(
        "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end return 0",
        1,
        this.byResourceKey,
        resourceKey(resourceOf(found.proposal)),
        id,
      );
    }
    await this.redis.multi().zrem(this.pendingKey, id).del(this.key(id), this.stateKey(id)).exec();
  }

  /** Records the proposal's message; a proposal posted at the top of a channel gets it as its thread too. */
  async setMessageTs(id: string, messageTs: string): Promise<void> {
    const found = await this.get(id);
    if (!found) return;
    found.proposal.slack.messageTs = messageTs;
    if (!found.proposal.slack.threadTs) found.proposal.slack.threadTs = messageTs;
    await this.redis.set(this.key(id), JSON.stringify(found.proposal), 'KEEPTTL');
  }

  async get(id: string): Promise<{ proposal: Proposal; state: ProposalState } | null> {
    const [proposal, state] = await this.redis.mget(this.key(id), this.stateKey(id));
    if (!proposal || !state) return null;
    return { proposal: upgrade(JSON.parse(proposal) as Proposal), state: parseState(state) };
  }

  /** The resource's latest proposal (the one later audits compare with), whatever its status; null when none is kept. */
  async latestFor(resource: Pick<AuditResult, 'accountId' | 'region' | 'resourceArn'>): Promise<{ proposal: Proposal; state: ProposalState } | null> {
    const id = await this.redis.hget(this.byResourceKey, resourceKey(resource));
    return id ? this.get(id) : null;
  }

  /** Closes a pending proposal (`note` says why); returns whether this call closed it. */
  async close(id: string, note: string, now = new Date()): Promise<{ changed: boolean; state: ProposalState | null }> {
    return this.transition(id, ['pending'], 'closed', { note, now });
  }

  /** Pending proposals, oldest first, at most `limit`; ids whose proposal expired are dropped from the index. */
  async pending(limit = 200): Promise<{ proposal: Proposal; state: ProposalState }[]> {
    const ids = await this.redis.zrange(this.pendingKey, 0, limit - 1);
    const out: { proposal: Proposal; state: ProposalState }[] = [];
    const gone: string[] = [];
    for (const id of ids) {
      const found = await this.get(id);
      if (found?.state.status === 'pending') out.push(found);
      else if (!found) gone.push(id);
    }
    if (gone.length > 0) await this.redis.zrem(this.pendingKey, ...gone);
    return out;
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
    const previous = parseState(current);
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
      3,
      this.stateKey(id),
      this.approvedIndexKey,
      this.pendingKey,
      JSON.stringify(from),
      JSON.stringify(next),
      id,
    )) as [number, string];
    return { changed: changed === 1, state: stateJson ? parseState(stateJson) : null };
  }

  /**
   * Records `by`'s approval of a pending proposal that needs `needed` distinct approvers. `recheck` lists the earlier
   * approvers checked again just now and which of them are still allowed: the others' approvals are dropped (a person
   * taken out of an approver group no longer counts). The approval that reaches `needed` approves the proposal.
   */
  async approve(id: string, by: string, needed: number, recheck: { checked: string[]; allowed: string[] }, now = new Date()): Promise<ApproveResult> {
    const [code, stateJson, droppedJson] = (await this.redis.eval(
      APPROVE,
      3,
      this.stateKey(id),
      this.approvedIndexKey,
      this.pendingKey,
      by,
      String(needed),
      JSON.stringify(recheck.checked),
      JSON.stringify(recheck.allowed),
      now.toISOString(),
      id,
    )) as [number, string, string?];
    const state = stateJson ? parseState(stateJson) : null;
    if (code === 0 || !state) return { outcome: 'not-pending', state };
    if (code === 2) return { outcome: 'already-approved-by-you', state };
    const dropped = asList<string>(JSON.parse(droppedJson ?? '[]'));
    return state.status === 'approved' ? { outcome: 'approved', state, dropped } : { outcome: 'recorded', state, dropped };
  }
}

/** Where an audit's later proposals are posted, and by whose request. */
export interface BacklogMeta {
  auditId: string;
  requestedBy: string;
  channelId: string;
  threadTs: string;
  /** Drafts kept. */
  total: number;
}

/**
 * The proposals an audit could not post at once (riskiest first), kept for its "Show next" button: a Redis list of
 * drafts, read a page at a time (so two clicks on one button read the same page, and the proposal store's reuse keeps
 * them from being posted twice). Kept a week.
 */
export class ProposalBacklog {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  private key(auditId: string, part: 'drafts' | 'meta'): string {
    return `${this.prefix}:audit:${auditId}:backlog:${part}`;
  }

  async save(meta: Omit<BacklogMeta, 'total'>, drafts: readonly ProposalDraft[]): Promise<void> {
    if (drafts.length === 0) return;
    const list = this.key(meta.auditId, 'drafts');
    const multi = this.redis.multi().del(list);
    for (let i = 0; i < drafts.length; i += 100) multi.rpush(list, ...drafts.slice(i, i + 100).map((d) => JSON.stringify(d)));
    multi.expire(list, this.ttlSeconds).set(this.key(meta.auditId, 'meta'), JSON.stringify({ ...meta, total: drafts.length } satisfies BacklogMeta), 'EX', this.ttlSeconds);
    await multi.exec();
  }

  /** Page `page` (1-based) of `size` drafts, and how many remain after it; null when the audit's backlog is gone. */
  async page(auditId: string, page: number, size: number): Promise<{ meta: BacklogMeta; drafts: ProposalDraft[]; remaining: number } | null> {
    const meta = await this.redis.get(this.key(auditId, 'meta'));
    if (!meta) return null;
    const parsed = JSON.parse(meta) as BacklogMeta;
    const start = (page - 1) * size;
    const drafts = (await this.redis.lrange(this.key(auditId, 'drafts'), start, start + size - 1)).map((j) => JSON.parse(j) as ProposalDraft);
    return { meta: parsed, drafts, remaining: Math.max(0, parsed.total - start - drafts.length) };
  }
}
