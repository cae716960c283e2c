import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProposalStore, newProposalId } from '../../src/remediation/proposals.js';
import { deletePrefix, testRedis, uniquePrefix } from '../queue/redis.js';
import { proposal } from '../slack/fixtures.js';

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

describe('ProposalStore', () => {
  it('creates a pending proposal and reads it back', async () => {
    const p = proposal({ id: newProposalId() });
    await store.create(p);
    const got = await store.get(p.id);
    expect(got?.proposal.result.resourceName).toBe('nb-1');
    expect(got?.state.status).toBe('pending');
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
    const p = proposal({ id: newProposalId() });
    await store.create(p);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.transition(p.id, ['pending'], i % 2 ? 'approved' : 'denied', { by: `U${i}` })),
    );
    const winners = results.filter((r) => r.changed);
    expect(winners).toHaveLength(1);
    const final = await store.get(p.id);
    expect(final?.state.decidedBy).toBe(winners[0]?.state?.decidedBy);
    for (const r of results) expect(r.state?.decidedBy).toBe(final?.state.decidedBy);
  });

  it('refuses a transition from a status not allowed and for an unknown id', async () => {
    const p = proposal({ id: newProposalId() });
    await store.create(p);
    expect((await store.transition(p.id, ['approved'], 'running')).changed).toBe(false);
    expect((await store.transition('pnope', ['pending'], 'approved')).state).toBeNull();
  });

  it('indexes approvals that are not yet queued, atomically with the decision', async () => {
    const a = proposal({ id: newProposalId() });
    const d = proposal({ id: newProposalId() });
    await store.create(a);
    await store.create(d);
    await store.transition(a.id, ['pending'], 'approved', { by: 'U1' });
    await store.transition(d.id, ['pending'], 'denied', { by: 'U1' });
    expect(await store.approvedNotQueued()).toEqual([a.id]);
    await store.markQueued(a.id);
    expect(await store.approvedNotQueued()).toEqual([]);
  });
});
