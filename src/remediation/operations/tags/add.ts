import { AddTagsCommand } from '@aws-sdk/client-sagemaker';
import { CONTROLS } from '../../../controls/index.js';
import { defineOperation, sagemakerCalls } from '../define.js';
import { readAllTags } from '../step-run.js';

/** The kinds a tag control fixes (SageMaker.6, .7): the only ones this operation reads and writes tags of. */
const TAGGED_KINDS = CONTROLS.filter((c) => c.metadata.checks === 'tags' && c.metadata.remediation !== 'manual').map((c) => c.metadata.resourceKind);

/** Tags (SageMaker.6, .7): AddTags with only the keys that are missing; keys already there keep their value. */
export const tagsAdd = defineOperation({
  name: 'tags.add',
  description: 'Add the required tags (AddTags)',
  ...sagemakerCalls({ reads: ['ListTags'], writes: ['AddTags'], tagsOf: TAGGED_KINDS }),
  destructive: false,
  async run(run, p) {
    const present = await readAllTags(run, p.resourceArn);
    const missing = Object.entries(p.tags).filter(([k]) => !Object.hasOwn(present, k));
    if (missing.length === 0) return run.skipped(`every tag is already there (${Object.keys(p.tags).join(', ')})`);
    const Tags = missing.map(([Key, Value]) => ({ Key, Value }));
    await run.mutate('AddTags', { ResourceArn: p.resourceArn, Tags: Object.fromEntries(missing) }, () => run.client.send(new AddTagsCommand({ ResourceArn: p.resourceArn, Tags })));
    return run.acted(`AddTags ${missing.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  },
});
