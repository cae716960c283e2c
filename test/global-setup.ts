import { execFileSync } from 'node:child_process';

/** The build runs before every test run: tests spawn what ships (dist/cli.mjs, dist/src/main.js), never a stale copy. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
