import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { READY_MESSAGE, SHUTDOWN_MESSAGE, isEntryPoint, runProcess, type Started } from './lifecycle.js';
import { askWorkers, ipcLink } from './ops/workers-link.js';
import { startWeb } from './web.js';

/**
 * `npm start` (and the image's command): the web side in this process, the workers in a second process at a lower
 * OS priority (WORKERS_NICE). An audit of a large fleet keeps a CPU busy parsing AWS responses; in its own process at
 * a higher nice value it only gets the CPU the web side leaves, so Slack acknowledgements stay fast. The workers are
 * started by file, not imported: src/ never depends on workers/.
 */

/** workers/main.ts from source (tsx, whose loader the child inherits), dist/workers/main.js once built. */
const WORKERS_ENTRY = fileURLToPath(new URL(`../workers/main${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export function startWorkersProcess(env: Record<string, string | undefined>, logger: Logger, nice: number): Promise<Started & { ops: ReturnType<typeof askWorkers> }> {
  // Not detached: a new session would put it in a scheduler autogroup of its own, where its nice value no longer ranks
  // it below this process. (A signal to the process group, a Ctrl-C, reaches both: each shuts down once.)
  const child = fork(WORKERS_ENTRY, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    if (child.pid !== undefined) setPriority(child.pid, nice);
  } catch (err) {
    logger.warn({ err, nice }, 'could not lower the priority of the workers process (WORKERS_NICE)');
  }
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (stopping) return;
    logger.fatal({ code, signal }, 'workers process stopped unexpectedly; exiting so the supervisor restarts both');
    process.exit(code === 0 || code === null ? 1 : code);
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`workers process exited with code ${code} before it was ready`)));
    child.on('message', (m) => {
      if (m !== READY_MESSAGE) return;
      resolve({
        // The workers' metrics and readiness, for the web side's /metrics and /readyz.
        ops: askWorkers(ipcLink(child)),
        async stop(deadline) {
          stopping = true;
          if (!child.connected || !child.send(SHUTDOWN_MESSAGE)) child.kill('SIGTERM');
          // It keeps the same bound; whatever is left a moment before ours is killed, so this process exits in time.
          const late = setTimeout(() => child.kill('SIGKILL'), Math.max(0, deadline - Date.now() - 500));
          await exited;
          clearTimeout(late);
        },
      });
    });
  });
}

if (isEntryPoint(import.meta.url)) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runProcess(process.env, 'all', async (ctx) => {
    const workers = await startWorkersProcess(ctx.env, ctx.logger, ctx.config.app.workersNice);
    ctx.logger.info({ nice: ctx.config.app.workersNice }, 'workers started in their own process');
    const web = await startWeb(ctx, { readiness: { workers: workers.ops.readiness }, moreMetrics: workers.ops.metrics }).catch(async (err: unknown) => {
      await workers.stop(Date.now() + ctx.config.app.shutdownTimeoutMs);
      throw err;
    });
    return {
      ...(web.port !== undefined ? { port: web.port } : {}),
      async stop(deadline) {
        await Promise.all([web.stop(deadline).catch((err: unknown) => ctx.logger.warn({ err }, 'stopping the Slack app')), workers.stop(deadline)]);
      },
    };
  });
}
