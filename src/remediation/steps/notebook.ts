import {
  DescribeNotebookInstanceCommand,
  StartNotebookInstanceCommand,
  StopNotebookInstanceCommand,
  UpdateNotebookInstanceCommand,
} from '@aws-sdk/client-sagemaker';
import type { DescribeNotebookInstanceOutput, UpdateNotebookInstanceInput } from '@aws-sdk/client-sagemaker';
import { PlanStoppedError, RemediationError, isNotFound } from '../errors.js';
import type { OperationParams } from '../operations.js';
import { pollUntil } from './common.js';
import type { ExecutionContext, PollVerdict, StepOutcome, StepRun } from './common.js';

/**
 * Notebook instance operations (SageMaker.3, .8): stop → wait Stopped → update → start again if it was running →
 * wait InService. Every operation reads the notebook first and acts only when its effect is not there yet.
 * SageMaker's state machine: Stop only from InService; Start only from Stopped or Failed; Update only when Stopped.
 */

/** Statuses that count as "was running" when the plan began: it is started again at the end. */
const RUNNING_AT_START = new Set(['InService', 'Pending']);

export function notebookFailedMessage(name: string, reason?: string): string {
  return (
    `notebook is Failed; SageMaker cannot stop or update it (StopNotebookInstance accepts only InService, ` +
    `UpdateNotebookInstance only Stopped)${reason ? `. FailureReason: ${reason}` : ''}. ` +
    `A person must repair ${name} first (StartNotebookInstance, or delete and recreate it), then run /sagemaker-audit again.`
  );
}

async function describe(run: StepRun, name: string): Promise<DescribeNotebookInstanceOutput> {
  const out = await run.readOptional(
    'DescribeNotebookInstance',
    () => run.client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: name })),
    isNotFound,
  );
  if (!out) throw new PlanStoppedError(`notebook instance ${name} no longer exists`, 'ResourceNotFound');
  return out;
}

/** Polls the notebook until it reaches `target`; Failed (and Deleting) stop the wait at once. */
function waitFor(run: StepRun, name: string, target: 'Stopped' | 'InService', maxWaitSeconds: number): Promise<DescribeNotebookInstanceOutput> {
  return pollUntil(run.ctx, `notebook ${name} to be ${target}`, maxWaitSeconds, async (): Promise<PollVerdict<DescribeNotebookInstanceOutput>> => {
    const d = await describe(run, name);
    const status = d.NotebookInstanceStatus ?? 'unknown';
    if (status === target) return { state: 'success', value: d };
    if (status === 'Failed') return { state: 'failure', message: notebookFailedMessage(name, d.FailureReason), code: 'NotebookFailed' };
    if (status === 'Deleting') return { state: 'failure', message: `notebook ${name} is being deleted`, code: 'NotebookDeleting' };
    return { state: 'retry', status };
  });
}

function rememberInitialState(ctx: ExecutionContext, status: string): boolean {
  if (ctx.state.facts.initialStatus !== undefined) return false;
  ctx.state.facts.initialStatus = status;
  ctx.state.facts.wasRunning = RUNNING_AT_START.has(status);
  return true;
}

export async function stopIfRunning(run: StepRun, p: OperationParams['notebook.stop-if-running']): Promise<StepOutcome> {
  const name = p.notebookName;
  let d = await describe(run, name);
  let status = d.NotebookInstanceStatus ?? 'unknown';
  // Whether it was running is decided once, before anything changes, and kept in the job for start-if-was-running.
  if (rememberInitialState(run.ctx, status)) await run.ctx.persist();
  const bound = run.ctx.defaultMaxWaitSeconds;

  switch (status) {
    case 'Failed':
      throw new PlanStoppedError(notebookFailedMessage(name, d.FailureReason), 'NotebookFailed');
    case 'Deleting':
      throw new PlanStoppedError(`notebook ${name} is being deleted`, 'NotebookDeleting');
    case 'Stopped':
      return run.skipped(`${name} is already Stopped`);
    case 'Stopping':
    case 'Updating':
      if (run.dryRun) return { status: 'dry-run', detail: `${name} is ${status}: would wait until it is Stopped; no stop needed` };
      await waitFor(run, name, 'Stopped', bound);
      return run.skipped(`${name} was ${status}; it is Stopped now, no stop needed`);
    case 'Pending':
      if (run.dryRun) {
        run.notes.push(`${name} is Pending: would wait until it is InService first`);
        await run.mutate('StopNotebookInstance', { NotebookInstanceName: name }, async () => undefined);
        return run.acted('');
      }
      d = await waitFor(run, name, 'InService', bound);
      status = d.NotebookInstanceStatus ?? status;
      break;
    case 'InService':
      break;
    default:
      throw new PlanStoppedError(`notebook ${name} is ${status}, which the plan does not handle`, 'UnexpectedState');
  }
  await run.mutate('StopNotebookInstance', { NotebookInstanceName: name }, () =>
    run.client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: name })),
  );
  return run.acted(`StopNotebookInstance sent (${name} was ${status})`);
}

export async function waitStopped(run: StepRun, p: OperationParams['notebook.wait-stopped']): Promise<StepOutcome> {
  const name = p.notebookName;
  if (run.dryRun) {
    const d = await describe(run, name);
    if (d.NotebookInstanceStatus === 'Stopped') return run.skipped(`${name} is Stopped`);
    return { status: 'dry-run', detail: `would wait until ${name} is Stopped (at most ${p.maxWaitSeconds} s)` };
  }
  const started = Date.now();
  await waitFor(run, name, 'Stopped', p.maxWaitSeconds);
  return { status: 'done', detail: `${name} is Stopped (waited ${Math.round((Date.now() - started) / 1000)} s)` };
}

export async function update(run: StepRun, p: OperationParams['notebook.update']): Promise<StepOutcome> {
  const name = p.notebookName;
  let d = await describe(run, name);
  if (d.NotebookInstanceStatus === 'Updating' && !run.dryRun) {
    // A resumed run whose update was already sent: let it finish, then look again.
    d = await waitFor(run, name, 'Stopped', run.ctx.defaultMaxWaitSeconds);
  }
  const change: Partial<UpdateNotebookInstanceInput> = {};
  if (p.RootAccess !== undefined && d.RootAccess !== p.RootAccess) change.RootAccess = p.RootAccess;
  if (p.PlatformIdentifier !== undefined && d.PlatformIdentifier !== p.PlatformIdentifier) change.PlatformIdentifier = p.PlatformIdentifier;
  const already = [
    p.RootAccess !== undefined ? `RootAccess is already ${p.RootAccess}` : undefined,
    p.PlatformIdentifier !== undefined ? `platform is already ${p.PlatformIdentifier}` : undefined,
  ].filter(Boolean);
  if (Object.keys(change).length === 0) return run.skipped(`${name}: ${already.join(', ') || 'nothing to change'}`);

  const status = d.NotebookInstanceStatus ?? 'unknown';
  if (status === 'Failed') throw new PlanStoppedError(notebookFailedMessage(name, d.FailureReason), 'NotebookFailed');
  if (status !== 'Stopped' && !run.dryRun) {
    throw new PlanStoppedError(`notebook ${name} is ${status}, and UpdateNotebookInstance needs it Stopped`, 'NotStopped');
  }
  await run.mutate('UpdateNotebookInstance', change, () =>
    run.client.send(new UpdateNotebookInstanceCommand({ NotebookInstanceName: name, ...change })),
  );
  if (run.dryRun) return run.acted('');
  // The notebook goes Updating → Stopped; Start is refused until then.
  const after = await waitFor(run, name, 'Stopped', run.ctx.defaultMaxWaitSeconds);
  const missing = Object.entries(change).filter(([k, v]) => (after as Record<string, unknown>)[k] !== v);
  if (missing.length > 0) {
    throw new RemediationError(
      `UpdateNotebookInstance on ${name} did not take effect: ${missing.map(([k]) => `${k} is ${String((after as Record<string, unknown>)[k])}`).join(', ')}`,
      'UpdateNotApplied',
      false,
      'UpdateNotebookInstance',
    );
  }
  return run.acted(`UpdateNotebookInstance ${Object.entries(change).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
}

export async function startIfWasRunning(run: StepRun, p: OperationParams['notebook.start-if-was-running']): Promise<StepOutcome> {
  const name = p.notebookName;
  const facts = run.ctx.state.facts;
  if (facts.wasRunning !== true) {
    return run.skipped(`${name} was ${facts.initialStatus ?? 'not running'} when the plan began; it stays stopped`);
  }
  let d = await describe(run, name);
  let status = d.NotebookInstanceStatus ?? 'unknown';
  if (status === 'InService' || status === 'Pending') return run.skipped(`${name} is already ${status}`);
  if (status === 'Failed') throw new PlanStoppedError(notebookFailedMessage(name, d.FailureReason), 'NotebookFailed');
  if ((status === 'Updating' || status === 'Stopping') && !run.dryRun) {
    d = await waitFor(run, name, 'Stopped', run.ctx.defaultMaxWaitSeconds);
    status = d.NotebookInstanceStatus ?? status;
  }
  await run.mutate('StartNotebookInstance', { NotebookInstanceName: name }, () =>
    run.client.send(new StartNotebookInstanceCommand({ NotebookInstanceName: name })),
  );
  return run.acted(`StartNotebookInstance sent (${name} was ${facts.initialStatus} before the plan)`);
}

export async function waitInService(run: StepRun, p: OperationParams['notebook.wait-in-service']): Promise<StepOutcome> {
  const name = p.notebookName;
  const facts = run.ctx.state.facts;
  if (facts.wasRunning !== true) return run.skipped(`${name} was not running before the plan; not started`);
  if (run.dryRun) return { status: 'dry-run', detail: `would wait until ${name} is InService (at most ${p.maxWaitSeconds} s)` };
  const started = Date.now();
  await waitFor(run, name, 'InService', p.maxWaitSeconds);
  return { status: 'done', detail: `${name} is InService (waited ${Math.round((Date.now() - started) / 1000)} s)` };
}

/**
 * Undo after a failure: a notebook that was running when the plan began and is now Stopped is started again.
 * Settings already changed by UpdateNotebookInstance are kept (they are the compliant ones).
 */
export async function rollbackNotebook(run: StepRun, name: string): Promise<string[]> {
  const facts = run.ctx.state.facts;
  if (facts.wasRunning !== true || run.dryRun) return [];
  const d = await describe(run, name);
  const status = d.NotebookInstanceStatus ?? 'unknown';
  if (status === 'InService' || status === 'Pending') return [];
  if (status !== 'Stopped') {
    // No second long wait here: the failure may be that very wait (pitfall P3, notebooks stuck in Stopping).
    throw new RemediationError(
      `notebook ${name} is ${status}, so it was not started again; start it (StartNotebookInstance) once it is Stopped`,
      'NotRestarted',
      false,
    );
  }
  await run.mutate('StartNotebookInstance', { NotebookInstanceName: name }, () =>
    run.client.send(new StartNotebookInstanceCommand({ NotebookInstanceName: name })),
  );
  return [`started notebook ${name} again (it was ${facts.initialStatus} before the plan)`];
}
