#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (no build step). The environment is handed to the CLI here, once.
import { register } from 'tsx/esm/api';

register();
// The SDK prints a multi-line notice on Node < 22 (future SDK releases will need 22). package.json allows Node 20,
// and a CLI's stderr must stay one line per problem, so the notice is off unless the user set the variable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  columns: process.stdout.columns,
  progress: Boolean(process.stderr.isTTY),
});
// Let stdout drain before exiting (large JSON reports into a pipe).
process.exitCode = code;
