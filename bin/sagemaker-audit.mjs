#!/usr/bin/env node
// The CLI, compiled (dist/cli.mjs, built by `npm run build`; the package and the image ship it).
try {
  await import('../dist/cli.mjs');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli.mjs')) throw err;
  process.stderr.write('sagemaker-audit: not built: run `npm run build` (or `npm run cli -- …` from a checkout)\n');
  process.exitCode = 1;
}
