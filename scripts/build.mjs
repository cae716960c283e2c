#!/usr/bin/env node
// The build (`npm run build`): TypeScript → JavaScript in dist/, with esbuild, the transpiler tsx uses in development,
// so the shipped code is the same code the tests run. Types are checked by `npm run typecheck`, not here.
//   dist/src/**, dist/workers/**  one .js per .ts (the app: `node dist/src/main.js`, `dist/src/web.js`,
//                                  `dist/workers/main.js`); packages come from node_modules.
//   dist/cli.mjs                   the CLI in one file with the AWS SDK in it, taken from the SDK's ES modules so that
//                                  only the commands the CLI sends are loaded: it starts several times faster than from
//                                  the SDK's CommonJS bundles, and it needs no node_modules.
// Usage: node scripts/build.mjs [outdir]   (default dist)
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = process.argv[2] ?? join(root, 'dist');
const CLI_ENTRY = 'src/cli/bin.ts';

/** Every .ts file under `dir`, relative to the repository root. */
function sources(dir) {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

const common = { absWorkingDir: root, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', legalComments: 'none' };

// Built beside, then swapped in: a test run that spawns dist/ meanwhile never sees it half-written.
const staging = `${outdir}.${process.pid}.tmp`;
rmSync(staging, { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: [...sources('src'), ...sources('workers')].filter((f) => f !== CLI_ENTRY), outdir: staging, outbase: '.' }),
  build({
    ...common,
    entryPoints: [CLI_ENTRY],
    outfile: join(staging, 'cli.mjs'),
    bundle: true,
    mainFields: ['module', 'main'],
    // CommonJS code inside an ES module bundle still calls require() for Node's built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  }),
]);
rmSync(outdir, { recursive: true, force: true });
renameSync(staging, outdir);
