import { Worker } from 'bullmq';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/queue/connection.js';
import { jobIds } from '../../src/queue/jobs.js';
import { createProducers, scheduleProblems, type Producers } from '../../src/queue/producers.js';
import { ProposalStore, newProposalId } from '../../src/remediation/proposals.js';
import { failedResult, proposal } from '../slack/fixtures.js';
import { deletePrefix, redisSettings, testRedis, uniquePrefix } from './redis.js';

const admin = testRedis();
const redis = createRedis(redisSettings(), 'producer');
let prefix: string;
let producers: Producers;
let store: ProposalStore;

beforeEach(async () => {
  if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
  prefix = uniquePrefix('producers');
  producers = createProducers(redis, prefix);
  store = new ProposalStore(redis, prefix);
});
afterEach(async () => {
  await producers.audit.obliterate({ force: true });
  await producers.remediation.obliterate({ force: true });
  await producers.events.obliterate({ force: true });
  await producers.close();
  await deletePrefix(admin, prefix);
});
afterAll(async () => {
  await redis.quit();
  await admin.quit();
});

describe('producers', () => {
  it('remediation job id derives from the proposal: 50 concurrent enqueues make one job', async () => {
    const data = { proposalId: 'pabc', approvedBy: 'U1', approvedAt: new Date().toISOString(), dryRun: false };
    await Promise.all(Array.from({ length: 50 }, () => producers.enqueueRemediation(data)));
    const jobs = await producers.remediation.getJobs(['waiting']);
    expect(jobs.map((j) => j.id)).toEqual([jobIds.remediation('pabc')]);
    expect(jobs[0]!.opts.attempts).toBe(3);
  });

  it('audit job id derives from the audit id', async () => {
    const data = { auditId: 'a1', requestedBy: 'U1', channelId: 'C1', statusMessageTs: '1.1', request: { accounts: [], regions: ['us-east-1'], controls: [], source: 'both' as const } };
    expect(await producers.enqueueAudit(data)).toBe(true);
    expect(await producers.enqueueAudit(data)).toBe(false);
    expect(await producers.audit.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('requeueApproved queues approvals left without a job, once, and clears the index', async () => {
    const [lost, queued, moved] = ['nb-lost', 'nb-queued', 'nb-moved'].map((name) => proposal({ id: newProposalId() }, [failedResult({ resourceName: name })]));
    for (const p of [lost!, queued!, moved!]) {
      await store.createOrReuse(p);
      await store.transition(p.id, ['pending'], 'approved', { by: 'U0APPROVER' });
    }
    await producers.enqueueRemediation({ proposalId: queued!.id, approvedBy: 'U0APPROVER', approvedAt: 'x', dryRun: false });
    await store.transition(moved!.id, ['approved'], 'running');
    // lost: the process died between the decision and the enqueue.
    expect((await store.approvedNotQueued()).sort()).toEqual([lost!.id, queued!.id, moved!.id].sort());
    expect(await producers.requeueApproved(store, { dryRun: true })).toBe(1);
    expect(await producers.requeueApproved(store, { dryRun: true })).toBe(0);
    const jobs = await producers.remediation.getJobs(['waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual([jobIds.remediation(lost!.id), jobIds.remediation(queued!.id)].sort());
    const job = jobs.find((j) => j.id === jobIds.remediation(lost!.id))!;
    expect(job.data).toMatchObject({ proposalId: lost!.id, approvedBy: 'U0APPROVER', dryRun: true });
    expect(await store.approvedNotQueued()).toEqual([]);
  });
});

describe('scheduleProblems (the job scheduler parser)', () => {
  it('accepts what upsertJobScheduler accepts, and names the variable of what it refuses', async () => {
    expect(scheduleProblems({ cron: '0 9 * * 1-5', tz: 'Europe/Berlin' })).toEqual([]);
    expect(scheduleProblems({ cron: '0 0 9 * * *', tz: 'UTC' })).toEqual([]); // seconds field
    expect(scheduleProblems({ cron: '61 9 * * *', tz: 'UTC' })).toEqual(['DIGEST_CRON is not a cron pattern (minute hour day-of-month month day-of-week): Constraint error, got value 61 expected range 0-59']);
    expect(scheduleProblems({ cron: '0 9 * * *', tz: 'Mars/Phobos' })).toEqual(['DIGEST_TZ is not a known IANA time zone (for example UTC or Europe/Berlin)']);
    // What passes here is what BullMQ stores: the same pattern upserted for real.
    await expect(producers.digest.upsertJobScheduler('check', { pattern: '0 9 * * 1-5', tz: 'Europe/Berlin' })).resolves.toBeDefined();
    await expect(producers.digest.upsertJobScheduler('check-bad', { pattern: '61 9 * * *', tz: 'UTC' })).rejects.toThrow(/61/);
  });

  it('resource events coalesce: a burst for one resource is one audit; a change during it queues exactly one more', async () => {
    const ref = (name: string) => ({ kind: 'notebook-instance' as const, name, accountId: '111111111111', region: 'us-east-1', arn: `arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/${name}` });
    const event = (name: string, cause: string) => ({ source: 'cloudtrail' as const, ref: ref(name), deleted: false, cause, at: new Date().toISOString(), receivedAt: new Date().toISOString() });
    const workerRedis = createRedis(redisSettings(), 'worker');
    const seen: string[] = [];
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const worker = new Worker(
      producers.events.name,
      async (job) => {
        seen.push(`${job.data.ref.name}:${job.data.cause}`);
        if (seen.length === 1) {
          started();
          await running;
        }
      },
      { connection: workerRedis, prefix, autorun: false },
    );
    try {
      // Ten changes to nb-1 and one to nb-2 within the debounce: two jobs.
      for (let i = 0; i < 10; i++) await producers.enqueueResourceEvent(event('nb-1', `Update${i}`), 300);
      await producers.enqueueResourceEvent(event('nb-2', 'AddTags'), 300);
      expect(await producers.events.getJobCounts('delayed')).toEqual({ delayed: 2 });
      void worker.run();
      await firstStarted;
      // While nb-1's audit runs, three more changes: they become ONE next audit, with the latest data.
      const first = seen[0]!;
      const running1 = first.startsWith('nb-1');
      const busy = running1 ? 'nb-1' : 'nb-2';
      for (const cause of ['Stop', 'Update', 'Start']) await producers.enqueueResourceEvent(event(busy, cause), 0);
      release();
      await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(3);
      await new Promise((r) => setTimeout(r, 500));
      expect(seen).toHaveLength(3);
      expect(seen.filter((s) => s.startsWith(busy))).toEqual([first, `${busy}:Start`]);
    } finally {
      await worker.close();
      await workerRedis.quit();
    }
  });
});
