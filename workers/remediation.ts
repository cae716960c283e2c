import { randomUUID } from 'node:crypto';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { WebClient } from '@slack/web-api';
import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Job, WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { roleArnFor } from '../src/aws/accounts.js';
import type { ClientFactory } from '../src/aws/clients.js';
import { errorCode, errorMessage, isAccessDenied } from '../src/aws/errors.js';
import { arnFor } from '../src/aws/inventory.js';
import { readResource } from '../src/aws/read-resource.js';
import type { ResourceKind, ResourceSnapshot } from '../src/aws/resources.js';
import type { Config } from '../src/config.js';
import { evaluateControl, evidenceFor, getControl } from '../src/controls/index.js';
import type { Evaluation } from '../src/controls/types.js';
import { createRedis } from '../src/queue/connection.js';
import type { RemediationJobData } from '../src/queue/jobs.js';
import { QUEUE_NAMES } from '../src/queue/names.js';
import { configurationFingerprint } from '../src/remediation/drift.js';
import { PlanStoppedError, RemediationError, isNotFound, isRetryableAwsError, toRemediationError } from '../src/remediation/errors.js';
import { assertExecutable, emptyExecutionState, executePlan } from '../src/remediation/executor.js';
import type { ExecutionContext, ExecutionResult, ExecutionState, ProgressReporter, StepOutcome } from '../src/remediation/executor.js';
import type { PlanStep, RemediationPlan } from '../src/remediation/plan.js';
import type { Proposal, ProposalState, ProposalStore } from '../src/remediation/proposals.js';
import type { AuditTrail, TrailEvent } from '../src/remediation/trail.js';
import { notebookFailedMessage } from '../src/remediation/steps/notebook.js';
import { proposalMessage } from '../src/slack/blocks/proposal.js';
import { remediationProgressMessage, remediationResultMessage } from '../src/slack/blocks/remediation-progress.js';
import type { ProgressPhase, ProgressStep, RemediationOutcome } from '../src/slack/blocks/remediation-progress.js';

/**
 * The remediation worker. One BullMQ job = one approved proposal (job id `remediate-<proposalId>`).
 *
 * Before the first step (safety gates): the proposal must be approved (or running, when this job resumes), it is
 * moved approved → running by compare-and-set, the resource is re-read and the control re-evaluated: already
 * PASSED → no change; configuration changed since the audit (drift) → stop; state outside the plan's allowed states
 * → stop. Then the executor runs the steps, persisting progress in the job (a re-delivered job resumes), and the fix
 * is verified on a fresh read. Progress is one Slack message in the proposal's thread, updated in place.
 */

/** What the job carries besides RemediationJobData: the executor's state, persisted after every step. */
export interface PersistedExecution {
  state: ExecutionState;
  /** The progress message in the thread (posted once, then updated in place across deliveries). */
  progressTs?: string;
  startedAt?: string;
}

export type RemediationJob = Job<RemediationJobData & { execution?: PersistedExecution }>;

export interface RemediationJobResult {
  proposalId: string;
  status: 'succeeded' | 'failed' | 'no-change' | 'dry-run' | 'skipped';
  note: string;
}

export type RateLimitStrategy = 'delay-job' | 'pause-queue';

export interface RemediationWorkerDeps {
  config: Pick<Config, 'app' | 'controlParameters'>;
  slack: WebClient;
  proposals: ProposalStore;
  trail: AuditTrail;
  /** A regular connection for the owner keys and the per-account rate limit. */
  redis: Redis;
  /** SageMaker client for an account and region (built by src/aws; see `sagemakerClients`). */
  sagemakerFor: (accountId: string, region: string) => SageMakerClient;
  logger?: Logger;
  /** First poll delay of the waits (default 15 s; tests shrink it). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Bound of waits a step makes without its own maxWaitSeconds (default 1800 s). */
  defaultMaxWaitSeconds?: number;
  /**
   * How an account over its rate waits. 'delay-job' (default): only this job is delayed until the account's window
   * ends, other accounts keep going. 'pause-queue': `worker.rateLimit(ms)` + `Worker.RateLimitError()`, which pauses
   * the whole queue (BullMQ's limiter is per queue).
   */
  rateLimitStrategy?: RateLimitStrategy;
  /** Overrides (tests: short lockDuration / stalledInterval). */
  workerOptions?: Partial<WorkerOptions>;
  /** The BullMQ worker connection; default createRedis(config.app.redisUrl, 'worker'). */
  connection?: Redis;
  now?: () => Date;
}

/* ------------------------------------------------------------------------------------------------------------------
 * Per-account rate limit: a Redis sliding window shared by every worker process.
 * ---------------------------------------------------------------------------------------------------------------- */

// KEYS[1] = the account's key; ARGV[1] = max per window; ARGV[2] = window ms; ARGV[3] = a unique member. A sorted set
// of recent starts: unlike a fixed window, no stretch of `window` ms ever holds more than `max` (a fixed window lets
// a burst at the end of one second and another at the start of the next through). Uses the Redis clock, so workers
// on different hosts agree. Returns 0 when the start is allowed, else the ms until the oldest start leaves the window.
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ms, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - ms)
`;

export class AccountRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perSecond: number,
    private readonly windowMs = 1000,
  ) {}

  /** Takes one slot for `accountId`: 0 when allowed, else how many ms to wait. */
  async take(accountId: string): Promise<number> {
    const member = `${Date.now()}-${randomUUID()}`;
    const wait = (await this.redis.eval(SLIDING_WINDOW, 1, `${this.prefix}:remediation:rate:${accountId}`, this.perSecond, this.windowMs, member)) as number;
    return Number(wait);
  }
}

/* ------------------------------------------------------------------------------------------------------------------
 * SageMaker clients per account and region.
 * ---------------------------------------------------------------------------------------------------------------- */

/**
 * `sagemakerFor` for production: the audit role (AUDIT_ROLE, a name or an ARN template) assumed in each account, or
 * the default credentials when no role is configured. One client per account and region, reused.
 */
export function sagemakerClients(config: Pick<Config, 'role'>, factory: ClientFactory): (accountId: string, region: string) => SageMakerClient {
  const cache = new Map<string, SageMakerClient>();
  return (accountId, region) => {
    const key = `${accountId}/${region}`;
    let client = cache.get(key);
    if (!client) {
      const credentials = config.role ? factory.assumeRole(roleArnFor(config.role, accountId, region), region) : undefined;
      client = factory.aws(credentials ? { region, credentials } : { region }).sagemaker;
      cache.set(key, client);
    }
    return client;
  };
}

/* ------------------------------------------------------------------------------------------------------------------
 * Slack progress: one message, updated in place; Slack failures are logged, never fail the fix.
 * ---------------------------------------------------------------------------------------------------------------- */

class ThreadReporter {
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;
  phase: ProgressPhase = 'checking';
  note: string | undefined;
  readonly steps: ProgressStep[];

  constructor(
    private readonly deps: RemediationWorkerDeps,
    private readonly proposal: Proposal,
    private readonly job: RemediationJob,
    private readonly exec: PersistedExecution,
    private readonly persist: () => Promise<void>,
  ) {
    this.steps = proposal.result.remediation.steps.map((s) => {
      const done = exec.state.done[s.id];
      return done ? { title: s.title, state: done.status, detail: done.detail } : { title: s.title, state: 'pending' };
    });
  }

  private message() {
    const r = this.proposal.result;
    return remediationProgressMessage({
      proposalId: this.proposal.id,
      controlId: r.controlId,
      resourceName: r.resourceName,
      accountId: r.accountId,
      region: r.region,
      approvedBy: this.job.data.approvedBy,
      dryRun: this.job.data.dryRun,
      phase: this.phase,
      steps: this.steps,
      ...(this.note ? { note: this.note } : {}),
      attempt: this.job.attemptsStarted,
      version: `${Date.now().toString(36)}${(this.seq++).toString(36)}`,
    });
  }

  /** Posts the message the first time, then updates it; calls are serialized so updates never arrive out of order. */
  render(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const { channelId, threadTs } = this.proposal.slack;
      const m = this.message();
      try {
        if (this.exec.progressTs) {
          await this.deps.slack.chat.update({ channel: channelId, ts: this.exec.progressTs, text: m.text, blocks: m.blocks });
        } else {
          const res = await this.deps.slack.chat.postMessage({ channel: channelId, thread_ts: threadTs, text: m.text, blocks: m.blocks });
          if (res.ts) {
            this.exec.progressTs = res.ts;
            await this.persist();
          }
        }
      } catch (err) {
        this.deps.logger?.warn({ err, proposalId: this.proposal.id }, 'could not post or update the remediation progress message');
      }
    });
    return this.chain;
  }
}

/* ------------------------------------------------------------------------------------------------------------------
 * The processor.
 * ---------------------------------------------------------------------------------------------------------------- */

function resourceStatus(snapshot: ResourceSnapshot): string | undefined {
  const d = snapshot.detail as Record<string, unknown> | undefined;
  const status = d?.NotebookInstanceStatus ?? d?.MonitoringScheduleStatus ?? d?.EndpointStatus;
  return typeof status === 'string' ? status : undefined;
}

/** The audit's fingerprint depends on the evidence it read for the kind; compare with each shape that could be. */
function fingerprintMatches(expected: string, snapshot: ResourceSnapshot): boolean {
  if (!expected) return false;
  const candidates = [configurationFingerprint(snapshot.detail, snapshot.tags)];
  if (snapshot.tags !== undefined && snapshot.detail !== undefined) {
    candidates.push(configurationFingerprint(snapshot.detail, undefined), configurationFingerprint(undefined, snapshot.tags));
  }
  return candidates.includes(expected);
}

class GateStop extends Error {
  constructor(
    message: string,
    readonly outcome: 'failed' | 'no-change',
    readonly reason = message,
  ) {
    super(message);
  }
}

/** Recreate plans leave the fix on a new resource (the compliant copy): that is what the verification reads. */
function verifiedName(plan: RemediationPlan, r: Proposal['result']): { name: string; arn: string } {
  for (const s of plan.steps) {
    if (s.operation === 'job-definition.create-compliant' || s.operation === 'endpoint-config.create-copy') {
      const newName = String(s.params.newName);
      return { name: newName, arn: arnFor(r.resourceKind as ResourceKind, newName, r.accountId, r.region) };
    }
  }
  return { name: r.resourceName, arn: r.resourceArn };
}

async function readFresh(
  deps: RemediationWorkerDeps,
  client: SageMakerClient,
  proposal: Proposal,
  target: { name: string; arn: string } = { name: proposal.result.resourceName, arn: proposal.result.resourceArn },
): Promise<ResourceSnapshot> {
  const r = proposal.result;
  const kind = r.resourceKind as ResourceKind;
  try {
    return await readResource(client, { kind, arn: target.arn, name: target.name, accountId: r.accountId, region: r.region }, evidenceFor(kind));
  } catch (err) {
    if (isNotFound(err)) throw new GateStop(`${r.resourceName} no longer exists (${errorCode(err)}: ${errorMessage(err)})`, 'failed');
    if (isRetryableAwsError(err)) throw new RemediationError(`re-reading ${r.resourceName} failed: ${errorCode(err)}: ${errorMessage(err)}`, errorCode(err), true);
    const access = isAccessDenied(err) ? ' The remediation role cannot read it.' : '';
    throw new GateStop(`re-reading ${r.resourceName} failed: ${errorCode(err)}: ${errorMessage(err)}.${access}`, 'failed');
  }
}

export async function processRemediation(job: RemediationJob, token: string | undefined, deps: RemediationWorkerDeps, worker?: Worker): Promise<RemediationJobResult> {
  const { proposals, trail } = deps;
  const now = deps.now ?? (() => new Date());
  const prefix = deps.config.app.queuePrefix;
  const log = deps.logger?.child({ jobId: job.id, proposalId: job.data.proposalId });
  const proposalId = job.data.proposalId;

  // 1. The proposal, and whether this job may act on it.
  const found = await proposals.get(proposalId);
  if (!found) throw new UnrecoverableError(`proposal ${proposalId} not found (expired or never stored)`);
  const { proposal } = found;
  const plan: RemediationPlan = proposal.result.remediation;
  if (found.state.status !== 'approved' && found.state.status !== 'running') {
    log?.info({ status: found.state.status }, 'proposal is not approved; nothing to do');
    return { proposalId, status: 'skipped', note: `proposal is ${found.state.status}` };
  }

  // 2. Per-account rate limit, before anything touches AWS or the proposal.
  const limiter = new AccountRateLimiter(deps.redis, prefix, deps.config.app.remediation.accountRatePerSecond);
  const wait = await limiter.take(proposal.result.accountId);
  if (wait > 0) {
    if (deps.rateLimitStrategy === 'pause-queue' && worker) {
      await worker.rateLimit(wait);
      throw Worker.RateLimitError();
    }
    if (!token) throw new RemediationError('rate limited', 'RateLimited', true);
    await job.moveToDelayed(Date.now() + wait, token);
    throw new DelayedError();
  }

  // 3. One job per proposal, whatever happens to the queue's dedupe: the first job to claim it owns it.
  const ownerKey = `${prefix}:remediation:owner:${proposalId}`;
  const claimed = await deps.redis.set(ownerKey, String(job.id), 'EX', 30 * 24 * 3600, 'NX');
  if (!claimed && (await deps.redis.get(ownerKey)) !== String(job.id)) {
    return { proposalId, status: 'skipped', note: 'another job owns this proposal' };
  }

  const trailBase: Omit<TrailEvent, 'type'> = {
    actor: 'worker',
    proposalId,
    controlId: proposal.result.controlId,
    resourceArn: proposal.result.resourceArn,
    resourceName: proposal.result.resourceName,
    accountId: proposal.result.accountId,
    region: proposal.result.region,
  };
  const record = async (type: TrailEvent['type'], detail?: string): Promise<void> => {
    try {
      await trail.record({ ...trailBase, type, ...(detail !== undefined ? { detail } : {}) }, now());
    } catch (err) {
      log?.warn({ err }, 'could not record the trail event');
    }
  };

  const finish = async (status: 'succeeded' | 'failed', note: string): Promise<ProposalState | null> => {
    const t = await proposals.transition(proposalId, ['running', 'approved'], status, { note, now: now() });
    await record(status, note);
    const state = t.state;
    if (state && proposal.slack.messageTs) {
      try {
        const m = proposalMessage(proposal, state);
        await deps.slack.chat.update({ channel: proposal.slack.channelId, ts: proposal.slack.messageTs, text: m.text, blocks: m.blocks });
      } catch (err) {
        log?.warn({ err }, 'could not update the proposal message');
      }
    }
    return state;
  };

  // Manual plans are never executed.
  try {
    assertExecutable(plan);
  } catch (err) {
    const note = err instanceof Error ? err.message : String(err);
    await finish('failed', note);
    throw new UnrecoverableError(note);
  }

  // 4. approved → running (compare-and-set: two jobs or a double click cannot both start it).
  if (found.state.status === 'approved') {
    const t = await proposals.transition(proposalId, ['approved'], 'running', { note: job.data.dryRun ? 'dry run' : 'running', now: now() });
    if (!t.changed && t.state?.status !== 'running') {
      return { proposalId, status: 'skipped', note: `proposal became ${t.state?.status ?? 'missing'}` };
    }
  }

  const exec: PersistedExecution = job.data.execution ?? { state: emptyExecutionState(), startedAt: now().toISOString() };
  const persist = async (): Promise<void> => {
    await job.updateData({ ...job.data, execution: exec });
    await job.updateProgress({ done: Object.keys(exec.state.done).length, total: plan.steps.length });
  };
  const reporter = new ThreadReporter(deps, proposal, job, exec, persist);
  const started = exec.startedAt ? Date.parse(exec.startedAt) : Date.now();
  const client = deps.sagemakerFor(proposal.result.accountId, proposal.result.region);
  const control = getControl(plan.verify.controlId) ?? getControl(proposal.result.controlId);
  const r = proposal.result;

  const postResult = async (outcome: RemediationOutcome): Promise<void> => {
    const m = remediationResultMessage({ proposalId, controlId: r.controlId, resourceName: r.resourceName, durationMs: Date.now() - started, outcome });
    try {
      await deps.slack.chat.postMessage({ channel: proposal.slack.channelId, thread_ts: proposal.slack.threadTs, text: m.text, blocks: m.blocks });
    } catch (err) {
      log?.warn({ err }, 'could not post the remediation result');
    }
  };

  const fail = async (what: string, error: string, extra: { rolledBack?: string[]; rollbackError?: string; humanAction: string; noChange: boolean }): Promise<never> => {
    reporter.phase = 'failed';
    reporter.note = error;
    await reporter.render();
    await postResult({ kind: 'failed', what, error, rolledBack: extra.rolledBack ?? [], ...(extra.rollbackError ? { rollbackError: extra.rollbackError } : {}), humanAction: extra.humanAction, noChange: extra.noChange });
    await finish('failed', `${what}: ${error}`);
    throw new UnrecoverableError(`${what}: ${error}`);
  };

  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

  // 5. Safety gates, once (a resumed job has changed the resource itself by then).
  if (!exec.state.facts.gatesPassed) {
    await reporter.render();
    try {
      if (!control) throw new GateStop(`control ${plan.verify.controlId} is not in the catalog`, 'failed');
      const snapshot = await readFresh(deps, client, proposal);
      const evaluation = evaluateControl(control, snapshot, deps.config.controlParameters);
      if (evaluation.status === 'PASSED') throw new GateStop(evaluation.reason, 'no-change');
      if (!fingerprintMatches(proposal.fingerprint, snapshot)) {
        throw new GateStop('resource changed since the audit; run /sagemaker-audit again', 'failed');
      }
      const status = resourceStatus(snapshot);
      if (status === 'Failed' && r.resourceKind === 'notebook-instance') {
        throw new GateStop(notebookFailedMessage(r.resourceName, (snapshot.detail as { FailureReason?: string } | undefined)?.FailureReason), 'failed');
      }
      if (plan.allowedStates.length > 0 && status !== undefined && !plan.allowedStates.includes(status)) {
        throw new GateStop(`${r.resourceName} is ${status}; the plan may only start from ${plan.allowedStates.join(', ')}`, 'failed');
      }
      if (evaluation.status !== 'FAILED') {
        throw new GateStop(`${r.controlId} now evaluates ${evaluation.status}: ${evaluation.reason} Run /sagemaker-audit again.`, 'failed');
      }
    } catch (err) {
      if (err instanceof GateStop) {
        if (err.outcome === 'no-change') {
          reporter.phase = 'no-change';
          reporter.steps.forEach((s) => (s.state = 'not-run'));
          reporter.note = err.reason;
          await reporter.render();
          await postResult({ kind: 'already-compliant', reason: err.reason });
          await finish('succeeded', `Already compliant on a fresh read; nothing was changed. ${err.reason}`);
          return { proposalId, status: 'no-change', note: err.reason };
        }
        return fail('checks before the first step', err.message, { humanAction: 'Run /sagemaker-audit again and approve a new fix if it still fails.', noChange: true });
      }
      const e = toRemediationError(err);
      if (e.retryable && !finalAttempt) {
        reporter.phase = 'retrying';
        reporter.note = `${e.message} (attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1})`;
        await reporter.render();
        throw e;
      }
      return fail('checks before the first step', e.message, { humanAction: 'Look at the error, then run /sagemaker-audit again.', noChange: true });
    }
    exec.state.facts.gatesPassed = true;
    await persist();
  }

  // 6. The steps.
  reporter.phase = 'running';
  reporter.note = undefined;
  const progress: ProgressReporter = {
    stepStarted: async (s: PlanStep, i: number) => {
      const view = reporter.steps[i];
      if (view) Object.assign(view, { state: 'running', detail: undefined });
      await record('step-started', `${s.id}: ${s.title}`);
      await reporter.render();
    },
    stepFinished: async (s: PlanStep, i: number, outcome: StepOutcome, resumed: boolean) => {
      const view = reporter.steps[i];
      if (view) Object.assign(view, { state: outcome.status, detail: resumed ? `${outcome.detail} (done before the restart)` : outcome.detail });
      if (!resumed) {
        await record('step-finished', `${s.id}: ${outcome.status}: ${outcome.detail}`);
        await reporter.render();
      }
    },
    stepFailed: async (s: PlanStep, i: number, error: RemediationError, willRetry: boolean) => {
      const view = reporter.steps[i];
      if (view) Object.assign(view, { state: willRetry ? 'retrying' : 'failed', detail: error.message });
      await record('step-failed', `${s.id}: ${error.code}: ${error.message}${willRetry ? ' (will retry)' : ''}`);
      if (willRetry) {
        reporter.phase = 'retrying';
        reporter.note = `attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}; the job resumes at this step`;
      }
      await reporter.render();
    },
  };
  const ctx: ExecutionContext = {
    sagemaker: client,
    dryRun: job.data.dryRun,
    pollIntervalMs: deps.pollIntervalMs ?? 15_000,
    maxPollIntervalMs: deps.maxPollIntervalMs ?? Math.max(deps.pollIntervalMs ?? 15_000, 60_000),
    defaultMaxWaitSeconds: deps.defaultMaxWaitSeconds ?? 1800,
    state: exec.state,
    persist,
    now,
  };

  let result: ExecutionResult;
  try {
    result = await executePlan(ctx, plan, progress, { finalAttempt });
  } catch (err) {
    // Retryable, not the last attempt: progress is persisted; BullMQ retries with backoff and the job resumes.
    log?.warn({ err }, 'remediation step failed with a retryable error; the job will be retried');
    throw err instanceof Error ? err : new Error(String(err));
  }

  if (result.status === 'failed') {
    if (result.rollback.done.length > 0) await record('rolled-back', result.rollback.done.join('; '));
    if (job.data.dryRun) {
      reporter.phase = 'dry-run-done';
      await reporter.render();
      const would = result.steps.filter((x) => x.outcome.status === 'dry-run').map((x) => x.outcome.detail);
      await postResult({ kind: 'dry-run', wouldCalls: would, blocker: result.error.message });
      const note = `Dry run only (REMEDIATION_MODE=dry-run): nothing was changed. A real run would stop: ${result.error.message}`;
      await finish('failed', note);
      return { proposalId, status: 'dry-run', note };
    }
    const stepTitle = result.failedStep ? `step "${result.failedStep.title}"` : 'the plan';
    return fail(stepTitle, result.error.message, {
      rolledBack: result.rollback.done,
      ...(result.rollback.error ? { rollbackError: result.rollback.error.message } : {}),
      humanAction: result.humanAction,
      noChange: false,
    });
  }

  if (job.data.dryRun) {
    reporter.phase = 'dry-run-done';
    await reporter.render();
    const would = result.steps.filter((x) => x.outcome.status === 'dry-run').map((x) => x.outcome.detail);
    await postResult({ kind: 'dry-run', wouldCalls: would });
    const note = 'Dry run only (REMEDIATION_MODE=dry-run): nothing was changed; the thread lists the calls a real run would make.';
    await finish('failed', note);
    return { proposalId, status: 'dry-run', note };
  }

  // 7. Verify on a fresh read.
  reporter.phase = 'verifying';
  await reporter.render();
  let verdict: Evaluation;
  try {
    if (!control) throw new PlanStoppedError(`control ${plan.verify.controlId} is not in the catalog`);
    verdict = evaluateControl(control, await readFresh(deps, client, proposal, verifiedName(plan, r)), deps.config.controlParameters);
  } catch (err) {
    const e = err instanceof GateStop ? new PlanStoppedError(err.message) : toRemediationError(err);
    if (e.retryable && !finalAttempt) throw e;
    return fail('verification', e.message, { humanAction: `The steps finished but the fix could not be verified; run /sagemaker-audit again.`, noChange: false });
  }
  if (verdict.status !== 'PASSED') {
    return fail('verification', `the steps finished but ${r.controlId} evaluates ${verdict.status} on a fresh read: ${verdict.reason}`, {
      humanAction: 'Look at the resource in the console; run /sagemaker-audit again once it has settled.',
      noChange: false,
    });
  }
  reporter.phase = 'succeeded';
  await reporter.render();
  const periodic = control?.metadata.schedule === 'periodic';
  await postResult({ kind: 'verified', reason: verdict.reason, periodic });
  const note = `Fixed and verified on a fresh read: ${verdict.reason}${periodic ? ' Security Hub may keep the finding until its next periodic evaluation.' : ''}`;
  await finish('succeeded', note);
  return { proposalId, status: 'succeeded', note };
}

/* ------------------------------------------------------------------------------------------------------------------
 * The worker.
 * ---------------------------------------------------------------------------------------------------------------- */

export function createRemediationWorker(deps: RemediationWorkerDeps): Worker<RemediationJobData & { execution?: PersistedExecution }, RemediationJobResult> {
  const connection = deps.connection ?? createRedis(deps.config.app.redisUrl, 'worker');
  const strategy = deps.rateLimitStrategy ?? 'delay-job';
  const holder: { worker?: Worker } = {};
  const worker = new Worker<RemediationJobData & { execution?: PersistedExecution }, RemediationJobResult>(QUEUE_NAMES.remediation, (job, token) => processRemediation(job, token, deps, holder.worker), {
    connection,
    prefix: deps.config.app.queuePrefix,
    concurrency: deps.config.app.remediation.concurrency,
    // Waits poll AWS with the event loop free, so the lock is renewed every lockDuration/2; a dead process's job is
    // picked up again after about lockDuration + stalledInterval.
    lockDuration: 60_000,
    stalledInterval: 30_000,
    // A job that stalls (process killed) more than twice fails instead of looping; its state is in the job data.
    maxStalledCount: 2,
    // 'pause-queue' needs a limiter for worker.rateLimit to take effect (BullMQ checks limiter.max).
    ...(strategy === 'pause-queue' ? { limiter: { max: 1_000_000, duration: 1000 } } : {}),
    ...deps.workerOptions,
  });
  holder.worker = worker as unknown as Worker;
  worker.on('error', (err) => deps.logger?.error({ err }, 'remediation worker error'));
  worker.on('failed', (job, err) => deps.logger?.warn({ jobId: job?.id, err: err.message }, 'remediation job failed'));
  worker.on('stalled', (jobId) => deps.logger?.warn({ jobId }, 'remediation job stalled; it will be picked up again'));
  return worker;
}
