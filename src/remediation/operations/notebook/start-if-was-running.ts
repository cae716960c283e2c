import { PlanStoppedError } from '../../errors.js';
import { kmsThroughSageMaker, passExecutionRole } from '../../../aws/permissions.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { describeNotebook, notebookFailedMessage, startNotebook, waitForNotebook } from './notebook.js';

export const notebookStartIfWasRunning = defineOperation({
  name: 'notebook.start-if-was-running',
  description: 'Start the notebook instance again if it was running before the plan',
  ...sagemakerCalls(
    { reads: ['DescribeNotebookInstance'], writes: ['StartNotebookInstance'] },
    passExecutionRole("StartNotebookInstance hands SageMaker the notebook's RoleArn again"),
    ...kmsThroughSageMaker('starting a notebook instance with KmsKeyId has SageMaker create a grant on its key'),
  ),
  destructive: false,
  async run(run, p) {
    const name = p.notebookName;
    const facts = run.ctx.state.facts;
    if (facts.wasRunning !== true) return run.skipped(`${name} was ${facts.initialStatus ?? 'not running'} when the plan began; it stays stopped`);
    let d = await describeNotebook(run, name);
    let status = d.NotebookInstanceStatus ?? 'unknown';
    if (status === 'InService' || status === 'Pending') return run.skipped(`${name} is already ${status}`);
    if (status === 'Failed') throw new PlanStoppedError(notebookFailedMessage(name, d.FailureReason), 'NotebookFailed');
    if ((status === 'Updating' || status === 'Stopping') && !run.dryRun) {
      d = await waitForNotebook(run, name, 'Stopped', run.ctx.defaultMaxWaitSeconds);
      status = d.NotebookInstanceStatus ?? status;
    }
    await startNotebook(run, name);
    return run.acted(`StartNotebookInstance sent (${name} was ${facts.initialStatus} before the plan)`);
  },
});
