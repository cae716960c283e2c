import type { OperationParams } from '../plans/steps.js';
import type { PlanBody, PlanStep } from '../plans/plan.js';
import { PlanStoppedError, RemediationError, RemediationInterrupted, toRemediationError } from './errors.js';
import { automatedOperation } from './operations/index.js';
import type { Operation } from './operations/index.js';
import { StepRun, nowIso } from './operations/step-run.js';
import type { ExecutionContext, StepOutcome } from './operations/step-run.js';

export type { ExecutionContext, ExecutionFacts, ExecutionState, SavedCopy, StepOutcome, StepRecord } from './operations/step-run.js';
export { emptyExecutionState } from './operations/step-run.js';

/**
 * Runs a remediation plan's steps in order, each idempotently (it looks before it acts), recording each finished
 * step in `ctx.state` and persisting it (the BullMQ job) so a re-delivered job resumes after the last finished step.
 *
 * - A retryable failure (throttling, 5xx) is rethrown without rollback unless `finalAttempt`: BullMQ retries the
 *   job with backoff and the plan resumes where it was.
 * - Any other failure stops the plan: what was done is rolled back (each operation's own undo, last step first) and
 *   the result says what a person must do.
 * - A shutdown (ctx.signal aborted) stops the plan before its next step, or during a wait, with RemediationInterrupted:
 *   nothing is rolled back, and the re-delivered job resumes at that step.
 */

export interface ProgressReporter {
  stepStarted(step: PlanStep, index: number): Promise<void>;
  /** `resumed`: the step had finished in an earlier delivery of the job and was not run again. */
  stepFinished(step: PlanStep, index: number, outcome: StepOutcome, resumed: boolean): Promise<void>;
  stepFailed(step: PlanStep, index: number, error: RemediationError, willRetry: boolean): Promise<void>;
}

export const silentProgress: ProgressReporter = {
  stepStarted: async () => undefined,
  stepFinished: async () => undefined,
  stepFailed: async () => undefined,
};

export interface StepResult {
  step: PlanStep;
  outcome: StepOutcome;
  resumed: boolean;
}

export interface Rollback {
  /** What was undone, in words. */
  done: string[];
  /** Set when the undo itself failed: the state a person must check. */
  error?: RemediationError;
}

export type ExecutionResult =
  | { status: 'succeeded'; steps: StepResult[] }
  | {
      status: 'failed';
      steps: StepResult[];
      failedStep: PlanStep | null;
      error: RemediationError;
      rollback: Rollback;
      /** What a person must do now. */
      humanAction: string;
    };

export interface ExecuteOptions {
  /** On the last BullMQ attempt a retryable error is final too: roll back and fail. */
  finalAttempt?: boolean;
}

/** Throws PlanStoppedError for plans the bot never runs ('manual') or that name unknown operations. */
export function assertExecutable(plan: PlanBody): void {
  if (plan.kind === 'manual' || plan.steps.some((s) => s.operation === 'manual')) {
    throw new PlanStoppedError('manual plan: a person carries it out, the bot never runs it', 'ManualPlan');
  }
  for (const s of plan.steps) {
    if (!automatedOperation(s.operation)) throw new PlanStoppedError(`step ${s.id} names unknown operation ${String(s.operation)}`, 'UnknownOperation');
  }
  const ids = new Set<string>();
  for (const s of plan.steps) {
    if (ids.has(s.id)) throw new PlanStoppedError(`step id ${s.id} appears twice in the plan`, 'DuplicateStepId');
    ids.add(s.id);
  }
}

/** The step's operation, typed loosely: its params were checked against the operation's inputs when the plan was made. */
function operationOf(s: PlanStep): Operation | undefined {
  return automatedOperation(s.operation);
}

async function runStep(ctx: ExecutionContext, s: PlanStep): Promise<StepOutcome> {
  const op = operationOf(s);
  if (!op) throw new PlanStoppedError(`step ${s.id} names unknown operation ${String(s.operation)}`, 'UnknownOperation');
  return op.run(new StepRun(ctx, s), s.params as unknown as OperationParams[typeof op.name]);
}

export async function executePlan(
  ctx: ExecutionContext,
  plan: PlanBody,
  progress: ProgressReporter = silentProgress,
  options: ExecuteOptions = {},
): Promise<ExecutionResult> {
  assertExecutable(plan);
  const results: StepResult[] = [];
  for (const [index, s] of plan.steps.entries()) {
    const recorded = ctx.state.done[s.id];
    if (recorded) {
      const outcome: StepOutcome = { status: recorded.status, detail: recorded.detail };
      results.push({ step: s, outcome, resumed: true });
      await progress.stepFinished(s, index, outcome, true);
      continue;
    }
    if (ctx.signal?.aborted) throw new RemediationInterrupted(`at step "${s.title}"`);
    await progress.stepStarted(s, index);
    let outcome: StepOutcome;
    try {
      outcome = await runStep(ctx, s);
    } catch (err) {
      if (err instanceof RemediationInterrupted) throw err;
      const error = toRemediationError(err);
      const willRetry = error.retryable && !options.finalAttempt;
      await progress.stepFailed(s, index, error, willRetry);
      if (willRetry) throw error;
      const rollback = await rollBack(ctx, plan);
      return { status: 'failed', steps: results, failedStep: s, error, rollback, humanAction: humanActionFor(plan, s, error, rollback) };
    }
    ctx.state.done[s.id] = { status: outcome.status, detail: outcome.detail, at: nowIso(ctx) };
    await ctx.persist();
    results.push({ step: s, outcome, resumed: false });
    await progress.stepFinished(s, index, outcome, false);
  }
  return { status: 'succeeded', steps: results };
}

/**
 * Undoes what the plan did, from whatever point it reached: each operation's undo, last step first. Never throws (a
 * failed undo is reported). A shutdown does not interrupt it: a half-done undo is worse than a late exit.
 */
export async function rollBack(ctx: ExecutionContext, plan: PlanBody): Promise<Rollback> {
  const out: Rollback = { done: [] };
  if (ctx.dryRun) return out;
  const run = new StepRun({ ...ctx, signal: undefined }, { id: 'rollback', operation: 'manual', title: 'Roll back', params: {} });
  try {
    for (const s of [...plan.steps].reverse()) {
      const undo = operationOf(s)?.rollback;
      if (undo) out.done.push(...(await undo(run, s.params as never)));
    }
  } catch (err) {
    out.error = toRemediationError(err);
  }
  return out;
}

function humanActionFor(plan: PlanBody, failed: PlanStep, error: RemediationError, rollback: Rollback): string {
  const parts: string[] = [];
  if (rollback.error) {
    parts.push(
      `The rollback did not finish (${rollback.error.message}). Check the resources by hand: ` +
        (plan.rollback ?? 'undo the steps marked done above') +
        ' The saved copies are in the remediation job data.',
    );
  }
  if (error.code === 'AccessDeniedException' || error.code === 'AccessDenied') {
    // IAM names what it refused: "… is not authorized to perform: iam:PassRole on resource: arn:…".
    const denied = /not authorized to perform: (\S+) on resource: (\S+)/.exec(error.message);
    const what = denied ? `${denied[1]} on ${denied[2]}` : error.operation ? `sagemaker:${error.operation}` : 'the missing permission';
    parts.push(
      `Give the remediation role ${what} (\`sagemaker-audit iam-policy --scope remediation\` prints the policy it needs), then run /sagemaker-audit again and approve a new fix.`,
    );
  } else if (error.code === 'ResourceLimitExceeded') {
    parts.push('An account quota of SageMaker is reached: delete what is no longer used, or request an increase in Service Quotas, then run /sagemaker-audit again and approve a new fix.');
  } else if (error.code === 'NotebookFailed') {
    parts.push('Repair the notebook (or delete and recreate it), then run /sagemaker-audit again.');
  } else if (error.code === 'WaitTimeout') {
    parts.push(`The resource did not reach the expected state in time (step "${failed.title}"); check it in the console, then run /sagemaker-audit again.`);
  } else {
    parts.push(`Look at the error, fix its cause, then run /sagemaker-audit again and approve a new fix.`);
  }
  return parts.join(' ');
}

export { RemediationError, PlanStoppedError, RemediationInterrupted };
