import type { Logger } from 'pino';
import type { ApprovedFix, RemediationSession } from '../aws/sessions.js';
import type { ControlParameters } from '../config.js';
import { getControl, type AnyControl } from '../controls/index.js';
import type { PlanStep } from '../plans/plan.js';
import type { AuditTrail, TrailEvent } from '../trail.js';
import type { RemediationError} from './errors.js';
import { PlanStoppedError, RemediationInterrupted, toRemediationError } from './errors.js';
import { assertExecutable, emptyExecutionState, executePlan } from './executor.js';
import type { ExecutionContext, ExecutionResult, ExecutionState, ProgressReporter, StepOutcome } from './executor.js';
import { GateStop, checkGates, evaluateAll, readFresh, reasonsOf, verifiedResource } from './gates.js';
import type { ProgressView, RemediationOutcome, RemediationReporter } from './progress.js';
import { resourceOf, type Proposal, type ProposalState, type ProposalStore } from './proposals.js';

/**
 * Running one approved remediation, start to end: the proposal must be approved (or running, when this delivery
 * resumes), the account must be under its rate, one job owns the proposal, approved → running by compare-and-set;
 * then the safety gates (src/remediation/gates.ts) once, the steps (src/remediation/executor.ts, progress persisted
 * after every step so a re-delivered job resumes), and the verification on a fresh read. Progress goes to a reporter.
 *
 * It knows nothing of BullMQ: the queue adapter hands it a `RemediationAttempt` and maps `RemediationStopped` to a
 * failure that is never retried; any other throw is retried with backoff, and the plan resumes where it was.
 */

/** What an approval asks for; also the remediation job's data. */
export interface RemediationRequest {
  proposalId: string;
  approvedBy: string;
  approvedAt: string;
  dryRun: boolean;
}

/** What the job carries between deliveries: the executor's state, persisted after every step. */
export interface PersistedExecution {
  state: ExecutionState;
  /** The progress message in the thread (posted once, then updated in place across deliveries). */
  progressTs?: string;
  startedAt?: string;
}

/** One delivery of a remediation job, as the queue adapter presents it. */
export interface RemediationAttempt {
  jobId: string;
  request: RemediationRequest;
  /** Saved by an earlier delivery of the same job, if any. */
  execution: PersistedExecution | undefined;
  /** Deliveries started so far, this one included. */
  attemptsStarted: number;
  /** Attempts that already ended (failed) before this one. */
  attemptsMade: number;
  attempts: number;
  persist(execution: PersistedExecution, progress: { done: number; total: number }): Promise<void>;
  /** The account is over its rate: hand the job back for `ms`. Never returns. */
  waitForRate(ms: number): Promise<never>;
  /** The process is shutting down: hand the job back to the queue now, its progress saved. Never returns. */
  handBack(): Promise<never>;
}

export interface RemediationResult {
  proposalId: string;
  status: 'succeeded' | 'failed' | 'no-change' | 'dry-run' | 'skipped';
  note: string;
}

/** The remediation stopped for good (the thread says why): not retried. */
export class RemediationStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemediationStopped';
  }
}

export interface RemediationDeps {
  controlParameters: ControlParameters;
  proposals: ProposalStore;
  trail: AuditTrail;
  /** Per-account rate limit: 0 when the account may start a fix now, else the ms to wait. */
  accountRate: { take(accountId: string): Promise<number> };
  /** The session of one approved fix: its SageMaker client and who CloudTrail shows making the calls. */
  sessionFor(fix: ApprovedFix): RemediationSession;
  /** The reporter of one run (the Slack one posts in the proposal's thread). */
  reporterFor(proposal: Proposal, run: { request: RemediationRequest; progressTs: string | undefined; rememberProgressTs(ts: string): Promise<void> }): RemediationReporter;
  /** Waits' first poll delay (AWS waiters use 30 s), its cap, and the bound of waits without one of their own. */
  timing: { pollIntervalMs: number; maxPollIntervalMs: number; defaultMaxWaitSeconds: number };
  /** Aborted when the process shuts down: a running plan hands its job back at its next safe point. */
  signal?: AbortSignal;
  logger?: Logger;
  now?: () => Date;
  /** Told each step's outcome as it happens (metrics); a step finished in an earlier delivery is not told again. */
  onStep?(operation: string, outcome: StepOutcome['status'] | 'retrying' | 'failed'): void;
}

export async function runRemediation(attempt: RemediationAttempt, deps: RemediationDeps): Promise<RemediationResult> {
  const { proposals, trail } = deps;
  const now = deps.now ?? (() => new Date());
  const { proposalId, dryRun } = attempt.request;
  const log = deps.logger?.child({ jobId: attempt.jobId, proposalId });

  // 1. The proposal, and whether this job may act on it.
  const found = await proposals.get(proposalId);
  if (!found) throw new RemediationStopped(`proposal ${proposalId} not found (expired or never stored)`);
  const { proposal } = found;
  const r = resourceOf(proposal);
  const plan = proposal.plan;
  if (found.state.status !== 'approved' && found.state.status !== 'running') {
    log?.info({ status: found.state.status }, 'proposal is not approved; nothing to do');
    return { proposalId, status: 'skipped', note: `proposal is ${found.state.status}` };
  }

  // 2. Per-account rate limit, before anything touches AWS or the proposal.
  const wait = await deps.accountRate.take(r.accountId);
  if (wait > 0) await attempt.waitForRate(wait);

  // 3. One job per proposal, whatever happens to the queue's de-duplication.
  if (!(await proposals.claim(proposalId, attempt.jobId))) return { proposalId, status: 'skipped', note: 'another job owns this proposal' };

  const trailBase: Omit<TrailEvent, 'type'> = {
    actor: 'worker',
    proposalId,
    controlId: plan.verify.controlIds.join(', '),
    resourceArn: r.resourceArn,
    resourceName: r.resourceName,
    accountId: r.accountId,
    region: r.region,
  };
  const record = async (type: TrailEvent['type'], detail?: string): Promise<void> => {
    try {
      await trail.record({ ...trailBase, type, ...(detail !== undefined ? { detail } : {}) }, now());
    } catch (err) {
      log?.warn({ err }, 'could not record the trail event');
    }
  };

  const exec: PersistedExecution = attempt.execution ?? { state: emptyExecutionState(), startedAt: now().toISOString() };
  const persist = (): Promise<void> => attempt.persist(exec, { done: Object.keys(exec.state.done).length, total: plan.steps.length });
  const reporter = deps.reporterFor(proposal, {
    request: attempt.request,
    progressTs: exec.progressTs,
    async rememberProgressTs(ts) {
      exec.progressTs = ts;
      await persist();
    },
  });

  const finish = async (status: 'succeeded' | 'failed', note: string): Promise<ProposalState | null> => {
    const t = await proposals.transition(proposalId, ['running', 'approved'], status, { note, now: now() });
    await record(status, note);
    if (t.state) await reporter.proposalChanged(t.state);
    return t.state;
  };

  // Manual plans are never executed.
  try {
    assertExecutable(plan);
  } catch (err) {
    const note = err instanceof Error ? err.message : String(err);
    await finish('failed', note);
    throw new RemediationStopped(note);
  }

  // 4. approved → running (compare-and-set: two jobs or a double click cannot both start it).
  if (found.state.status === 'approved') {
    const t = await proposals.transition(proposalId, ['approved'], 'running', { note: dryRun ? 'dry run' : 'running', now: now() });
    if (!t.changed && t.state?.status !== 'running') return { proposalId, status: 'skipped', note: `proposal became ${t.state?.status ?? 'missing'}` };
  }

  const view: ProgressView = {
    phase: 'checking',
    steps: plan.steps.map((s) => {
      const done = exec.state.done[s.id];
      return done ? { title: s.title, state: done.status, detail: done.detail } : { title: s.title, state: 'pending' };
    }),
    attempt: attempt.attemptsStarted,
  };
  const show = (changes: Partial<ProgressView> = {}): Promise<void> => reporter.progress(Object.assign(view, changes));
  const started = exec.startedAt ? Date.parse(exec.startedAt) : Date.now();
  const session = deps.sessionFor({ accountId: r.accountId, region: r.region, approvedBy: attempt.request.approvedBy, proposalId });
  const client = session.sagemaker;
  view.identity = session.identity;
  try {
    // Every control the plan claims: gated before the steps, verified after them.
    const controls = plan.verify.controlIds.map((id) => getControl(id)).filter((c): c is AnyControl => c !== undefined);
    const unknown = plan.verify.controlIds.filter((id) => !getControl(id));
    const attemptNote = `attempt ${attempt.attemptsMade + 1} of ${attempt.attempts}`;
    const finalAttempt = attempt.attemptsMade + 1 >= attempt.attempts;

    const conclude = (outcome: RemediationOutcome): Promise<void> => reporter.result(outcome, Date.now() - started);
    const fail = async (what: string, error: string, extra: { rolledBack?: string[]; rollbackError?: string; humanAction: string; noChange: boolean }): Promise<never> => {
      await show({ phase: 'failed', note: error });
      await conclude({ kind: 'failed', what, error, rolledBack: extra.rolledBack ?? [], ...(extra.rollbackError ? { rollbackError: extra.rollbackError } : {}), humanAction: extra.humanAction, noChange: extra.noChange });
      await finish('failed', `${what}: ${error}`);
      throw new RemediationStopped(`${what}: ${error}`);
    };

    // 5. The fix's own session (REMEDIATION_ROLE as the approver), then the safety gates, once (a resumed job has
    // changed the resource itself by then).
    try {
      await session.ready();
    } catch (err) {
      const e = toRemediationError(err);
      if (e.retryable && !finalAttempt) {
        await show({ phase: 'retrying', note: `${e.message} (${attemptNote})` });
        throw e;
      }
      const role = session.identity.roleArn ?? 'the remediation role';
      return fail(`assuming ${role}`, e.message, {
        humanAction:
          `Check that ${role} exists in account ${r.accountId} and that its trust policy lets the app's role call sts:AssumeRole and sts:SetSourceIdentity` +
          ' (and requires the external id set in AWS_ROLE_EXTERNAL_ID, if any); then run /sagemaker-audit again.',
        noChange: Object.keys(exec.state.done).length === 0,
      });
    }
    if (!exec.state.facts.gatesPassed) {
      await show();
      try {
        if (unknown.length > 0) throw new GateStop(`control ${unknown.join(', ')} is not in the catalog`, 'failed');
        await checkGates({ client, proposal, controls, params: deps.controlParameters });
      } catch (err) {
        if (err instanceof GateStop) {
          if (err.outcome === 'no-change') {
            view.steps.forEach((s) => (s.state = 'not-run'));
            await show({ phase: 'no-change', note: err.message });
            await conclude({ kind: 'already-compliant', reason: err.message });
            await finish('succeeded', `Already compliant on a fresh read; nothing was changed. ${err.message}`);
            return { proposalId, status: 'no-change', note: err.message };
          }
          return fail('checks before the first step', err.message, { humanAction: 'Run /sagemaker-audit again and approve a new fix if it still fails.', noChange: true });
        }
        const e = toRemediationError(err);
        if (e.retryable && !finalAttempt) {
          await show({ phase: 'retrying', note: `${e.message} (${attemptNote})` });
          throw e;
        }
        return fail('checks before the first step', e.message, { humanAction: 'Look at the error, then run /sagemaker-audit again.', noChange: true });
      }
      exec.state.facts.gatesPassed = true;
      await persist();
    }

    // 6. The steps.
    view.phase = 'running';
    view.note = undefined;
    const progress: ProgressReporter = {
      stepStarted: async (s: PlanStep, i: number) => {
        const line = view.steps[i];
        if (line) Object.assign(line, { state: 'running', detail: undefined });
        await record('step-started', `${s.id}: ${s.title}`);
        await show();
      },
      stepFinished: async (s: PlanStep, i: number, outcome: StepOutcome, resumed: boolean) => {
        const line = view.steps[i];
        if (line) Object.assign(line, { state: outcome.status, detail: resumed ? `${outcome.detail} (done before the restart)` : outcome.detail });
        if (!resumed) {
          deps.onStep?.(s.operation, outcome.status);
          await record('step-finished', `${s.id}: ${outcome.status}: ${outcome.detail}`);
          await show();
        }
      },
      stepFailed: async (s: PlanStep, i: number, error: RemediationError, willRetry: boolean) => {
        const line = view.steps[i];
        if (line) Object.assign(line, { state: willRetry ? 'retrying' : 'failed', detail: error.message });
        deps.onStep?.(s.operation, willRetry ? 'retrying' : 'failed');
        await record('step-failed', `${s.id}: ${error.code}: ${error.message}${willRetry ? ' (will retry)' : ''}`);
        if (willRetry) Object.assign(view, { phase: 'retrying', note: `${attemptNote}; the job resumes at this step` });
        await show();
      },
    };
    const ctx: ExecutionContext = { sagemaker: client, dryRun, ...deps.timing, state: exec.state, persist, now, ...(deps.signal ? { signal: deps.signal } : {}) };

    let result: ExecutionResult;
    try {
      result = await executePlan(ctx, plan, progress, { finalAttempt });
    } catch (err) {
      if (err instanceof RemediationInterrupted) {
        // Every finished step is already persisted; the interrupted one runs again (each step looks before it acts).
        for (const line of view.steps) if (line.state === 'running') Object.assign(line, { state: 'pending', detail: 'interrupted by a shutdown: runs again from here' });
        await persist();
        await record('handed-back', err.message);
        await show({ phase: 'paused', note: err.message });
        log?.info({ at: err.at }, 'shutting down: remediation handed back to the queue');
        return attempt.handBack();
      }
      // Retryable, not the last attempt: progress is persisted; the job is retried with backoff and resumes.
      log?.warn({ err }, 'remediation step failed with a retryable error; the job will be retried');
      throw err instanceof Error ? err : new Error(String(err));
    }

    const wouldCalls = (): string[] => result.steps.filter((x) => x.outcome.status === 'dry-run').map((x) => x.outcome.detail);
    if (result.status === 'failed') {
      if (result.rollback.done.length > 0) await record('rolled-back', result.rollback.done.join('; '));
      if (dryRun) {
        await show({ phase: 'dry-run-done' });
        await conclude({ kind: 'dry-run', wouldCalls: wouldCalls(), blocker: result.error.message });
        const note = `Dry run only (REMEDIATION_MODE=dry-run): nothing was changed. A real run would stop: ${result.error.message}`;
        await finish('failed', note);
        return { proposalId, status: 'dry-run', note };
      }
      return fail(result.failedStep ? `step "${result.failedStep.title}"` : 'the plan', result.error.message, {
        rolledBack: result.rollback.done,
        ...(result.rollback.error ? { rollbackError: result.rollback.error.message } : {}),
        humanAction: result.humanAction,
        noChange: false,
      });
    }

    if (dryRun) {
      await show({ phase: 'dry-run-done' });
      await conclude({ kind: 'dry-run', wouldCalls: wouldCalls() });
      const note = 'Dry run only (REMEDIATION_MODE=dry-run): nothing was changed; the thread lists the calls a real run would make.';
      await finish('failed', note);
      return { proposalId, status: 'dry-run', note };
    }

    // 7. Verify every claimed control on a fresh read (of the compliant copy, for a recreate plan).
    await show({ phase: 'verifying' });
    let verdicts: ReturnType<typeof evaluateAll>;
    try {
      if (unknown.length > 0) throw new PlanStoppedError(`control ${unknown.join(', ')} is not in the catalog`);
      verdicts = evaluateAll(controls, await readFresh(client, r, verifiedResource(plan, r)), deps.controlParameters);
    } catch (err) {
      const e = err instanceof GateStop ? new PlanStoppedError(err.message) : toRemediationError(err);
      if (e.retryable && !finalAttempt) throw e;
      return fail('verification', e.message, { humanAction: 'The steps finished but the fix could not be verified; run /sagemaker-audit again.', noChange: false });
    }
    const failing = verdicts.filter((v) => v.evaluation.status !== 'PASSED');
    if (failing.length > 0) {
      const what = failing.map((v) => `${v.control.metadata.id} evaluates ${v.evaluation.status} on a fresh read: ${v.evaluation.reason}`).join(' ');
      return fail('verification', `the steps finished but ${what}`, {
        humanAction: 'Look at the resource in the console; run /sagemaker-audit again once it has settled.',
        noChange: false,
      });
    }
    await show({ phase: 'succeeded' });
    const reason = reasonsOf(verdicts);
    const periodic = controls.some((c) => c.metadata.schedule === 'periodic');
    await conclude({ kind: 'verified', reason, periodic });
    const note = `Fixed and verified on a fresh read: ${reason}${periodic ? ' Security Hub may keep the finding until its next periodic evaluation.' : ''}`;
    await finish('succeeded', note);
    return { proposalId, status: 'succeeded', note };
  } finally {
    session.close();
  }
}
