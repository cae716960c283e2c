/**
 * Writes deploy/*.yaml and the permission tables of docs/deploy-aws.md from the code (`npm run deploy:templates`).
 * test/iam/cloudformation.test.ts fails when the committed files differ from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STACK_KINDS, TEMPLATE_FILES, cloudFormationYaml } from '../src/iam/cloudformation.js';
import { withPermissionTables } from '../src/iam/explain.js';

const root = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

for (const kind of STACK_KINDS) writeFileSync(root(`deploy/${TEMPLATE_FILES[kind]}`), cloudFormationYaml(kind));
const doc = root('docs/deploy-aws.md');
writeFileSync(doc, withPermissionTables(readFileSync(doc, 'utf8')));
console.log(`wrote ${STACK_KINDS.map((k) => `deploy/${TEMPLATE_FILES[k]}`).join(', ')} and the permission tables of docs/deploy-aws.md`);
