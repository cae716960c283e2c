import { defineOperation, sagemakerCalls } from '../define.js';
import { describeNotebook, waitForNotebook } from './notebook.js';

export const notebookWaitStopped = defineOperation({
  name: 'notebook.wait-stopped',
  description: 'Wait until the notebook instance is Stopped',
  ...sagemakerCalls({ reads: ['DescribeNotebookInstance'] }),
  destructive: false,
  async run(run, p) {
    const name = p.notebookName;
    if (run.dryRun) {
      const d = await describeNotebook(run, name);
      if (d.NotebookInstanceStatus === 'Stopped') return run.skipped(`${name} is Stopped`);
      return { status: 'dry-run', detail: `would wait until ${name} is Stopped (at most ${p.maxWaitSeconds} s)` };
    }
    const started = Date.now();
    await waitForNotebook(run, name, 'Stopped', p.maxWaitSeconds);
    return { status: 'done', detail: `${name} is Stopped (waited ${Math.round((Date.now() - started) / 1000)} s)` };
  },
});
