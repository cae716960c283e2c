// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the CLI's main.ts (the layer rule matches the app's src/main.ts by name)
import { main } from './main.js';

/**
 * The `sagemaker-audit` process: hands the environment, the streams and the terminal to the CLI once, and sets the
 * exit code. Shipped as dist/cli.mjs (bin/sagemaker-audit.mjs runs it); `npm run cli -- …` runs it from source.
 */
// eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
const env = process.env;
// The SDK prints a multi-line notice on Node < 22 (future SDK releases will need 22). package.json allows Node 20,
// and a CLI's stderr must stay one line per problem, so the notice is off unless the user set the variable.
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// process.exitCode, not process.exit(): stdout drains first (large JSON reports into a pipe).
process.exitCode = await main(process.argv.slice(2), env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  columns: process.stdout.columns,
  progress: Boolean(process.stderr.isTTY),
});
