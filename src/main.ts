import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { isEntryPoint, runProcess, type Started } from './lifecycle.js';
import { askWorkers } from './ops/workers-link.js';
import { startWeb } from './web.js';

/**
 * `npm start`: the web side here, the workers in a worker thread of the same process (workers/thread.ts): an audit of
 * a large fleet keeps an event loop busy parsing AWS responses, and the web side must still acknowledge Slack within
 * 3 s. The workers are started by file, not imported: src/ never depends on workers/.
 */
function startWorkersThread(env: Record<string, string | undefined>, logger: Logger): Promise<Started & { ops: ReturnType<typeof askWorkers> }> {
  const worker = new Worker(new URL('../workers/thread-boot.mjs', import.meta.url), {
    workerData: { entry: new URL('../workers/thread.ts', import.meta.url).href, env: { ...env } },
  });
  let stopping = false;
  worker.on('error', (err) => logger.fatal({ err }, 'workers thread crashed'));
  worker.on('exit', (code) => {
    if (stopping) return;
    logger.fatal({ code }, 'workers thread stopped unexpectedly; exiting so the supervisor restarts the process');
    process.exit(code === 0 ? 1 : code);
  });
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type?: string }): void => {
      if (m.type !== 'ready') return;
      worker.off('message', onMessage);
      resolve({
        // The thread's metrics and readiness, for the web side's /metrics and /readyz.
        ops: askWorkers(worker),
        stop: () =>
          new Promise<void>((done) => {
            stopping = true;
            worker.once('exit', () => done());
            worker.on('message', (x: { type?: string }) => {
              if (x.type === 'stopped') void worker.terminate();
            });
            worker.postMessage({ type: 'shutdown' });
          }),
      });
    };
    worker.on('message', onMessage);
    worker.once('exit', (code) => reject(new Error(`workers thread exited with code ${code} before it was ready`)));
  });
}

if (isEntryPoint(import.meta.url)) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runProcess(process.env, 'all', async (ctx) => {
    const workers = await startWorkersThread(ctx.env, ctx.logger);
    ctx.logger.info('workers started in their own thread');
    const web = await startWeb(ctx, { readiness: { workers: workers.ops.readiness }, moreMetrics: workers.ops.metrics });
    return {
      ...(web.port !== undefined ? { port: web.port } : {}),
      async stop() {
        await web.stop().catch((err: unknown) => ctx.logger.warn({ err }, 'stopping the Slack app'));
        await workers.stop();
      },
    };
  });
}
