/**
 * Remediation throughput: 500 approved tag remediations (SageMaker.6, AddTags) over 10 accounts on the AWS stand-in
 * with 20 ms latency per call, run by the real remediation worker with 1, 4 and 16 concurrent jobs, against the
 * per-account rate limit (REMEDIATION_ACCOUNT_RATE, default 5/s → at most 50 jobs/s over 10 accounts).
 * Counts duplicated jobs (a resource tagged twice: the stand-in's AddTags calls) and lost jobs (not completed).
 * IAM is enforced with the generated policies; BENCH_SESSIONS=role (default) gives each job its own session of the
 * remediation role (one AssumeRole per job, as the approver), `audit` runs every fix with the audit role's cached
 * credentials (no REMEDIATION_ROLE, the audit role given the `all` policy): the difference is the cost of a session
 * per fix.
 *
 *   npm run bench:remediation            # BENCH_JOBS=500 BENCH_RATE=5 BENCH_CONCURRENCY=1,4,16 BENCH_SESSIONS=role,audit
 */
import { runAudit } from '../src/audit/engine.js';
import type { Proposal } from '../src/remediation/proposals.js';
import { draftsFor, newProposalId } from '../src/remediation/proposals.js';
import type { RateLimitStrategy } from '../workers/remediation.js';
import { startAwsStandin } from '../test/support/aws-standin/index.js';
import { CHANNEL, approve, createCtx, enqueue, installRoles, REGION, seedAppImageConfig, startSlack, startWorker, waitFinished } from '../test/remediation/harness.js';

const env = process.env;
const JOBS = Number(env.BENCH_JOBS ?? 500);
const ACCOUNTS = Number(env.BENCH_ACCOUNTS ?? 10);
const RATE = env.BENCH_RATE ?? '5';
const CONCURRENCY = (env.BENCH_CONCURRENCY ?? '1,4,16').split(',').map(Number);
const STRATEGIES = (env.BENCH_STRATEGIES ?? 'delay-job').split(',') as RateLimitStrategy[];
const SESSIONS = (env.BENCH_SESSIONS ?? 'role,audit').split(',') as Sessions[];
type Sessions = 'role' | 'audit';
const accounts = Array.from({ length: ACCOUNTS }, (_, i) => String(400000000000 + i));

const aws = await startAwsStandin({ transitionDelayMs: 20, latencyMs: 20, enforceIam: true });
const slack = await startSlack();

interface Row {
  sessions: Sessions;
  strategy: string;
  concurrency: number;
  jobs: number;
  seconds: number;
  perSecond: number;
  completed: number;
  failed: number;
  assumeRoles: number;
  addTags: number;
  duplicated: number;
  lost: number;
  maxPerAccountWindow: number;
}

async function run(concurrency: number, strategy: RateLimitStrategy, sessions: Sessions): Promise<Row> {
  aws.state.clear();
  aws.latencyMs = 0;
  const ctx = await createCtx(
    aws,
    slack,
    { REMEDIATION_ACCOUNT_RATE: RATE, REMEDIATION_CONCURRENCY: String(concurrency), ...(sessions === 'audit' ? { REMEDIATION_ROLE: '' } : {}) },
    'bench',
  );
  for (const accountId of accounts) installRoles(aws, accountId, sessions === 'audit' ? { audit: 'all' } : {});
  try {
    // Seed and audit (one audit per account), then store and approve one proposal per failing resource.
    const perAccount = Math.ceil(JOBS / ACCOUNTS);
    const proposals: Proposal[] = [];
    const parent = await slack.web.chat.postMessage({ channel: CHANNEL, text: 'bench audit' });
    for (const accountId of accounts) {
      for (let i = 0; i < perAccount && proposals.length + i < JOBS; i++) seedAppImageConfig(aws, `aic-${i}`, {}, { accountId });
      const report = await runAudit(
        { accounts: [accountId], regions: [REGION], controls: ['SageMaker.6'], source: 'sagemaker' },
        { config: ctx.config, clientFactory: ctx.services.aws.factory },
      );
      for (const draft of draftsFor(report.results)) {
        if (proposals.length >= JOBS) break;
        const p: Proposal = {
          ...draft,
          id: newProposalId(),
          createdAt: new Date().toISOString(),
          auditId: 'bench',
          requestedBy: 'U0BENCH',
          tags: null,
          slack: { channelId: CHANNEL, threadTs: parent.ts! },
        };
        await ctx.proposals.createOrReuse(p);
        await approve(ctx, p.id);
        proposals.push(p);
      }
    }
    aws.resetCounters();
    aws.latencyMs = 20;

    const started = performance.now();
    const jobIdsList = await Promise.all(proposals.map((p) => enqueue(ctx, p.id, { attempts: 3 })));
    await startWorker(ctx, { rateLimit: strategy });
    await Promise.all(jobIdsList.map((id) => waitFinished(ctx, id, 600_000)));
    const seconds = (performance.now() - started) / 1000;

    const counts = await ctx.queue.getJobCounts('completed', 'failed');
    const adds = aws.calls.filter((c) => c.operation === 'AddTags' && c.status === 200);
    const perResource = new Map<string, number>();
    for (const c of adds) perResource.set(`${c.accountId}/${String(c.input.ResourceArn)}`, (perResource.get(`${c.accountId}/${String(c.input.ResourceArn)}`) ?? 0) + 1);
    const duplicated = [...perResource.values()].filter((n) => n > 1).length;
    const perWindow = new Map<string, number>();
    for (const c of adds) perWindow.set(`${c.accountId}/${Math.floor(c.at / 1000)}`, (perWindow.get(`${c.accountId}/${Math.floor(c.at / 1000)}`) ?? 0) + 1);
    return {
      sessions,
      strategy,
      concurrency,
      jobs: proposals.length,
      seconds: Number(seconds.toFixed(2)),
      perSecond: Number((proposals.length / seconds).toFixed(1)),
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      assumeRoles: aws.callCount('AssumeRole'),
      addTags: adds.length,
      duplicated,
      lost: proposals.length - (counts.completed ?? 0),
      maxPerAccountWindow: Math.max(...perWindow.values()),
    };
  } finally {
    await ctx.close();
  }
}

console.log(`remediation bench: ${JOBS} tag remediations over ${ACCOUNTS} accounts, AWS stand-in latency 20 ms/call, per-account rate ${RATE}/s`);
const rows: Row[] = [];
for (const sessions of SESSIONS) {
  for (const strategy of STRATEGIES) {
    for (const c of CONCURRENCY) {
      const row = await run(c, strategy, sessions);
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
}
console.table(rows);
await aws.close();
await slack.standin.close();
process.exit(0);
