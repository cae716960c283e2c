import { DescribeNotebookInstanceCommand, StartNotebookInstanceCommand } from '@aws-sdk/client-sagemaker';
import type { DescribeNotebookInstanceOutput } from '@aws-sdk/client-sagemaker';
import { isNotFound } from '../../../aws/errors.js';
import { PlanStoppedError } from '../../errors.js';
import { pollUntil } from '../step-run.js';
import type { ExecutionContext, PollVerdict, StepRun } from '../step-run.js';

/**
 * Reads and waits the notebook operations share. SageMaker's state machine: Stop only from InService; Start only
 * from Stopped or Failed; Update only when Stopped.
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

export async function describeNotebook(run: StepRun, name: string): Promise<DescribeNotebookInstanceOutput> {
  const out = await run.readOptional('DescribeNotebookInstance', () => run.client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: name })), isNotFound);
  if (!out) throw new PlanStoppedError(`notebook instance ${name} no longer exists`, 'ResourceNotFound');
  return out;
}

/** Polls the notebook until it reaches `target`; Failed (and Deleting) stop the wait at once. */
export function waitForNotebook(run: StepRun, name: string, target: 'Stopped' | 'InService', maxWaitSeconds: number): Promise<DescribeNotebookInstanceOutput> {
  return pollUntil(run.ctx, `notebook ${name} to be ${target}`, maxWaitSeconds, async (): Promise<PollVerdict<DescribeNotebookInstanceOutput>> => {
    const d = await describeNotebook(run, name);
    const status = d.NotebookInstanceStatus ?? 'unknown';
    if (status === target) return { state: 'success', value: d };
    if (status === 'Failed') return { state: 'failure', message: notebookFailedMessage(name, d.FailureReason), code: 'NotebookFailed' };
    if (status === 'Deleting') return { state: 'failure', message: `notebook ${name} is being deleted`, code: 'NotebookDeleting' };
    return { state: 'retry', status };
  });
}

/** Records, once and before anything changes, the status the plan began from and whether that counts as running. */
export function rememberInitialState(ctx: ExecutionContext, status: string): boolean {
  if (ctx.state.facts.initialStatus !== undefined) return false;
  ctx.state.facts.initialStatus = status;
  ctx.state.facts.wasRunning = RUNNING_AT_START.has(status);
  return true;
}

export async function startNotebook(run: StepRun, name: string): Promise<void> {
  await run.mutate('StartNotebookInstance', { NotebookInstanceName: name }, () => run.client.send(new StartNotebookInstanceCommand({ NotebookInstanceName: name })));
}
