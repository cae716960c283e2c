import { defineOperation, sagemakerCalls } from '../define.js';
import { waitForNotebook } from './notebook.js';

export const notebookWaitInService = defineOperation({
  name: 'notebook.wait-in-service',
  description: 'Wait until the notebook instance is InService',
  ...sagemakerCalls({ reads: ['DescribeNotebookInstance'] }),
  destructive: false,
  async run(run, p) {
    const name = p.notebookName;
    if (run.ctx.state.facts.wasRunning !== true) return run.skipped(`${name} was not running before the plan; not started`);
    if (run.dryRun) return { status: 'dry-run', detail: `would wait until ${name} is InService (at most ${p.maxWaitSeconds} s)` };
    const started = Date.now();
    await waitForNotebook(run, name, 'InService', p.maxWaitSeconds);
    return { status: 'done', detail: `${name} is InService (waited ${Math.round((Date.now() - started) / 1000)} s)` };
  },
});
