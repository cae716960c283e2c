import { StopNotebookInstanceCommand } from '@aws-sdk/client-sagemaker';
import { PlanStoppedError, RemediationError } from '../../errors.js';
import { kmsThroughSageMaker, passExecutionRole } from '../../../aws/permissions.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { describeNotebook, notebookFailedMessage, rememberInitialState, startNotebook, waitForNotebook } from './notebook.js';

export const notebookStopIfRunning = defineOperation({
  name: 'notebook.stop-if-running',
  description: 'Stop the notebook instance if it is InService (waits out Pending/Updating first)',
  // Its undo starts the notebook again.
  ...sagemakerCalls(
    { reads: ['DescribeNotebookInstance'], writes: ['StopNotebookInstance', 'StartNotebookInstance'] },
    passExecutionRole("StartNotebookInstance hands SageMaker the notebook's RoleArn again"),
    ...kmsThroughSageMaker('starting a notebook instance with KmsKeyId has SageMaker create a grant on its key'),
  ),
  destructive: false,
  async run(run, p) {
    const name = p.notebookName;
    let d = await describeNotebook(run, name);
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
        await waitForNotebook(run, name, 'Stopped', bound);
        return run.skipped(`${name} was ${status}; it is Stopped now, no stop needed`);
      case 'Pending':
        if (run.dryRun) {
          run.notes.push(`${name} is Pending: would wait until it is InService first`);
          await run.mutate('StopNotebookInstance', { NotebookInstanceName: name }, async () => undefined);
          return run.acted('');
        }
        d = await waitForNotebook(run, name, 'InService', bound);
        status = d.NotebookInstanceStatus ?? status;
        break;
      case 'InService':
        break;
      default:
        throw new PlanStoppedError(`notebook ${name} is ${status}, which the plan does not handle`, 'UnexpectedState');
    }
    await run.mutate('StopNotebookInstance', { NotebookInstanceName: name }, () => run.client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: name })));
    return run.acted(`StopNotebookInstance sent (${name} was ${status})`);
  },
  /**
   * A notebook that was running when the plan began and is now Stopped is started again. Settings already changed
   * by UpdateNotebookInstance are kept (they are the compliant ones).
   */
  async rollback(run, p) {
    const name = p.notebookName;
    const facts = run.ctx.state.facts;
    if (facts.wasRunning !== true || run.dryRun) return [];
    const d = await describeNotebook(run, name);
    const status = d.NotebookInstanceStatus ?? 'unknown';
    if (status === 'InService' || status === 'Pending') return [];
    if (status !== 'Stopped') {
      // No second long wait here: the failure may be that very wait (a notebook stuck in Stopping).
      throw new RemediationError(`notebook ${name} is ${status}, so it was not started again; start it (StartNotebookInstance) once it is Stopped`, 'NotRestarted', false);
    }
    await startNotebook(run, name);
    return [`started notebook ${name} again (it was ${facts.initialStatus} before the plan)`];
  },
});
