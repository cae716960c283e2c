import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProposalBacklog, ProposalStore, draftFor, draftsFor, newProposalId, type Proposal } from '../../src/remediation/proposals.js';
import { deletePrefix, testRedis, uniquePrefix } from '../queue/redis.js';
import { failedResult, plan, proposal } from '../slack/fixtures.js';

const redis = testRedis();
let prefix: string;
let store: ProposalStore;

beforeEach(() => {
  prefix = uniquePrefix('proposals');
  store = new ProposalStore(redis, prefix);
});
afterEach(async () => {
  await deletePrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

/** A proposal for its own resource (so the store never reuses one for another). */
const fresh = (name = `nb-${newProposalId()}`, overrides: Partial<Proposal> = {}): Proposal => proposal({ id: newProposalId(), ...overrides }, [failedResult({ resourceName: name })]);

async function create(p: Proposal): Promise<void> {
  const stored = await store.createOrReuse(p);
  if (!stored.created) throw new Error('reused');
}

describe('ProposalStore', () => {
  it('creates a pending proposal and reads it back', async () => {
    const p = fresh('nb-1');
    await create(p);
    const got = await store.get(p.id);
    expect(got?.proposal.results[0]!.resourceName).toBe('nb-1');
    expect(got?.state.status).toBe('pending');
    expect((await store.pending()).map((x) => x.proposal.id)).toEqual([p.id]);
    await store.setMessageTs(p.id, '123.456');
    expect((await store.get(p.id))?.proposal.slack.messageTs).toBe('123.456');
  });

  it('ids are BullMQ-safe: no ":" and not only digits', () => {
    for (let i = 0; i < 200; i++) {
      const id = newProposalId();
      expect(id).not.toContain(':');
      expect(id).not.toMatch(/^\d+$/);
    }
  });

  it('of 50 concurrent transitions from pending exactly one wins; the others see the winner', async () => {
    const p = fresh();
    await create(p);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.transition(p.id, ['pending'], i % 2 ? 'approved' : 'denied', { by: `U${i}` })),
    );
    const winners = results.filter((r) => r.changed);
    expect(winners).toHaveLength(1);
    const final = await store.get(p.id);
    expect(final?.state.decidedBy).toBe(winners[0]?.state?.decidedBy);
    for (const r of results) expect(r.state?.decidedBy).toBe(final?.state.decidedBy);
    expect(await store.pending()).toEqual([]);
  });

  it('refuses a transition from a status not allowed and for an unknown id', async () => {
    const p = fresh();
    await create(p);
    expect((await store.transition(p.id, ['approved'], 'running')).changed).toBe(false);
    expect((await store.transition('pnope', ['pending'], 'approved')).state).toBeNull();
  });

  it('indexes approvals that are not yet queued, atomically with the decision', async () => {
    const a = fresh();
    const d = fresh();
    await create(a);
    await create(d);
    await store.transition(a.id, ['pending'], 'approved', { by: 'U1' });
    await store.transition(d.id, ['pending'], 'denied', { by: 'U1' });
    expect(await store.approvedNotQueued()).toEqual([a.id]);
    await store.markQueued(a.id);
    expect(await store.approvedNotQueued()).toEqual([]);
  });
});

describe('one open proposal per resource and configuration', () => {
  it('reuses the open proposal for the same resource and fingerprint, across audits and concurrent callers', async () => {
    const first = fresh('nb-same');
    const again = await Promise.all(Array.from({ length: 10 }, () => store.createOrReuse({ ...first, id: newProposalId() })));
    const created = again.filter((x) => x.created);
    expect(created).toHaveLength(1);
    const winner = created[0]!.proposal.id;
    for (const x of again) if (!x.created) expect(x.existing.proposal.id).toBe(winner);
  });

  it('a new proposal when the configuration changed, when the open one covers fewer controls, or once it is closed', async () => {
    const base = fresh('nb-x');
    await create(base);
    expect((await store.createOrReuse({ ...base, id: newProposalId(), fingerprint: 'other' })).created).toBe(true);

    const narrow = proposal({ id: newProposalId() }, [failedResult({ resourceName: 'nb-y', controlId: 'SageMaker.3', remediation: plan({ verify: { controlId: 'SageMaker.3' } }) })]);
    await create(narrow);
    const wide = proposal({ id: newProposalId() }, [
      failedResult({ resourceName: 'nb-y', controlId: 'SageMaker.3', remediation: plan({ verify: { controlId: 'SageMaker.3' } }) }),
      failedResult({ resourceName: 'nb-y', controlId: 'SageMaker.8', remediation: plan({ verify: { controlId: 'SageMaker.8' } }) }),
    ]);
    expect((await store.createOrReuse(wide)).created).toBe(true);
    // …and the wide one now stands for both: a narrow audit reuses it.
    const reused = await store.createOrReuse({ ...narrow, id: newProposalId() });
    expect(!reused.created && reused.existing.proposal.id).toBe(wide.id);

    await store.transition(wide.id, ['pending'], 'denied', { by: 'U1' });
    expect((await store.createOrReuse({ ...wide, id: newProposalId() })).created).toBe(true);
  });

  it('a discarded proposal (never shown) is forgotten: the next one is created', async () => {
    const p = fresh('nb-d');
    await create(p);
    await store.discard(p.id);
    expect(await store.get(p.id)).toBeNull();
    expect((await store.createOrReuse({ ...p, id: newProposalId() })).created).toBe(true);
  });
});

describe('approvals by several people', () => {
  it('counts distinct approvers, approves at the count, and refuses a second approval by the same person', async () => {
    const p = fresh();
    await create(p);
    const one = await store.approve(p.id, 'U0A', 2, { checked: [], allowed: [] });
    expect(one.outcome).toBe('recorded');
    expect(one.state?.approvals?.map((a) => a.by)).toEqual(['U0A']);
    expect(await store.approvedNotQueued()).toEqual([]);
    expect((await store.approve(p.id, 'U0A', 2, { checked: [], allowed: [] })).outcome).toBe('already-approved-by-you');
    const two = await store.approve(p.id, 'U0B', 2, { checked: ['U0A'], allowed: ['U0A'] });
    expect(two.outcome).toBe('approved');
    expect(two.state).toMatchObject({ status: 'approved', decidedBy: 'U0B' });
    expect(await store.approvedNotQueued()).toEqual([p.id]);
    expect((await store.approve(p.id, 'U0C', 2, { checked: [], allowed: [] })).outcome).toBe('not-pending');
  });

  it('drops an earlier approval whose approver is no longer allowed, and the proposal stays pending', async () => {
    const p = fresh();
    await create(p);
    await store.approve(p.id, 'U0A', 2, { checked: [], allowed: [] });
    const next = await store.approve(p.id, 'U0B', 2, { checked: ['U0A'], allowed: [] });
    expect(next.outcome).toBe('recorded');
    expect(next.outcome === 'recorded' && next.dropped).toEqual(['U0A']);
    expect(next.state?.approvals?.map((a) => a.by)).toEqual(['U0B']);
    expect(next.state?.status).toBe('pending');
  });

  it('of two approvers clicking at once for a rule of two, exactly one completes it', async () => {
    const p = fresh();
    await create(p);
    await store.approve(p.id, 'U0A', 2, { checked: [], allowed: [] });
    const both = await Promise.all(['U0B', 'U0C'].map((u) => store.approve(p.id, u, 2, { checked: ['U0A'], allowed: ['U0A'] })));
    expect(both.map((b) => b.outcome).sort()).toEqual(['approved', 'not-pending']);
  });
});

describe('drafts', () => {
  it('one draft per resource, riskiest first; results without a plan or not FAILED are left out', () => {
    const nb = (name: string, controlId: string, severity: 'HIGH' | 'MEDIUM' | 'LOW') =>
      failedResult({ resourceName: name, controlId, severity, remediation: plan({ verify: { controlId } }) });
    const drafts = draftsFor([
      nb('low', 'SageMaker.6', 'LOW'),
      nb('two', 'SageMaker.8', 'MEDIUM'),
      nb('two', 'SageMaker.3', 'HIGH'),
      nb('one', 'SageMaker.3', 'HIGH'),
      { ...nb('passed', 'SageMaker.3', 'HIGH'), status: 'PASSED' },
      { ...nb('no-plan', 'SageMaker.3', 'HIGH'), remediation: null },
    ]);
    expect(drafts.map((d) => d.results[0]!.resourceName)).toEqual(['two', 'one', 'low']);
    expect(drafts[0]!.results.map((r) => r.controlId)).toEqual(['SageMaker.3', 'SageMaker.8']);
  });

  it('a proposal stored before proposals covered a resource reads as one with one result', async () => {
    const result = failedResult({ resourceName: 'nb-old' });
    const legacy = { id: 'plegacy1', createdAt: '2026-01-01T00:00:00.000Z', auditId: 'a1', requestedBy: 'U1', result, fingerprint: 'f', slack: { channelId: 'C1', threadTs: '1.1' } };
    await redis.set(`${prefix}:proposal:plegacy1`, JSON.stringify(legacy));
    await redis.set(`${prefix}:proposal:plegacy1:state`, JSON.stringify({ status: 'approved', decidedBy: 'U2', updatedAt: '2026-01-01T00:00:00.000Z' }));
    const got = (await store.get('plegacy1'))!;
    expect(got.proposal.results).toEqual([result]);
    expect(got.proposal.plan).toEqual(draftFor([result]).plan);
    expect(got.proposal.fingerprint).toBe('f');
  });
});

describe('ProposalBacklog', () => {
  it('keeps an audit’s later drafts and reads them a page at a time', async () => {
    const backlog = new ProposalBacklog(redis, prefix);
    const drafts = Array.from({ length: 23 }, (_, i) => draftFor([failedResult({ resourceName: `nb-${i}` })]));
    await backlog.save({ auditId: 'a9', requestedBy: 'U1', channelId: 'C1', threadTs: '1.1' }, drafts);
    const page3 = await backlog.page('a9', 3, 10);
    expect(page3?.drafts.map((d) => d.results[0]!.resourceName)).toEqual(['nb-20', 'nb-21', 'nb-22']);
    expect(page3?.remaining).toBe(0);
    expect((await backlog.page('a9', 1, 10))?.remaining).toBe(13);
    expect(await backlog.page('gone', 1, 10)).toBeNull();
  });
});
