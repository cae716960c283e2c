import { JOB_DEFINITIONS } from '../../../aws/kinds/index.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { saveCopy } from '../recreate.js';

export const jobDefinitionSnapshot = defineOperation({
  name: 'job-definition.snapshot',
  description: 'Keep a complete copy of the job definition and its tags in the job before any change',
  ...sagemakerCalls({ reads: [...Object.values(JOB_DEFINITIONS).map((d) => d.describe.operation), 'ListTags'], tagsOf: Object.values(JOB_DEFINITIONS).map((d) => d.kind) }),
  destructive: false,
  async run(run, p) {
    const { copy, saved } = await saveCopy(run, JOB_DEFINITIONS[p.kind], p.name);
    if (!saved) return run.skipped(`a copy of ${p.name} was already saved`);
    return { status: 'done', detail: `saved a copy of ${p.name} (${Object.keys(copy.detail).length} fields, ${Object.keys(copy.tags).length} tags) in the job` };
  },
});
