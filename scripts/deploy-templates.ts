/**
 * Writes deploy/*.yaml and the permission tables of docs/deploy-aws.md from the code (`npm run deploy:templates`).
 * Tests fail when the committed files differ from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderEventTemplates } from '../src/deploy/event-templates.js';
import { STACK_KINDS, TEMPLATE_FILES, cloudFormationYaml } from '../src/iam/cloudformation.js';
import { withPermissionTables } from '../src/iam/explain.js';

const root = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

const written: string[] = [];
for (const kind of STACK_KINDS) {
  writeFileSync(root(`deploy/${TEMPLATE_FILES[kind]}`), cloudFormationYaml(kind));
  written.push(`deploy/${TEMPLATE_FILES[kind]}`);
}
for (const [file, text] of Object.entries(renderEventTemplates())) {
  writeFileSync(root(`deploy/${file}`), text);
  written.push(`deploy/${file}`);
}
const doc = root('docs/deploy-aws.md');
writeFileSync(doc, withPermissionTables(readFileSync(doc, 'utf8')));
console.log(`wrote ${written.join(', ')} and the permission tables of docs/deploy-aws.md`);
