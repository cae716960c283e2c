import { UpdateNotebookInstanceCommand } from '@aws-sdk/client-sagemaker';
import type { UpdateNotebookInstanceInput } from '@aws-sdk/client-sagemaker';
import { PlanStoppedError, RemediationError } from '../../errors.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { describeNotebook, notebookFailedMessage, waitForNotebook } from './notebook.js';

export const notebookUpdate = defineOperation({
  name: 'notebook.update',
  description: 'UpdateNotebookInstance with the compliant settings',
  ...sagemakerCalls({ reads: ['DescribeNotebookInstance'], writes: ['UpdateNotebookInstance'] }),
  destructive: false,
  async run(run, p) {
    const name = p.notebookName;
    let d = await describeNotebook(run, name);
    if (d.NotebookInstanceStatus === 'Updating' && !run.dryRun) {
      // A resumed run whose update was already sent: let it finish, then look again.
      d = await waitForNotebook(run, name, 'Stopped', run.ctx.defaultMaxWaitSeconds);
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
    if (status !== 'Stopped' && !run.dryRun) throw new PlanStoppedError(`notebook ${name} is ${status}, and UpdateNotebookInstance needs it Stopped`, 'NotStopped');
    await run.mutate('UpdateNotebookInstance', change, () => run.client.send(new UpdateNotebookInstanceCommand({ NotebookInstanceName: name, ...change })));
    if (run.dryRun) return run.acted('');
    // The notebook goes Updating → Stopped; Start is refused until then.
    const after = await waitForNotebook(run, name, 'Stopped', run.ctx.defaultMaxWaitSeconds);
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
  },
});
