import { writeFileSync } from 'node:fs';
import { renderEventTemplates } from '../src/deploy/event-templates.js';

/** Writes the generated CloudFormation templates to deploy/ (`npm run deploy:templates`). */
const files = renderEventTemplates();
for (const [file, text] of Object.entries(files)) writeFileSync(new URL(`../deploy/${file}`, import.meta.url), text);
console.log(`wrote ${Object.keys(files).map((f) => `deploy/${f}`).join(', ')}`);
