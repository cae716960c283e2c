import { parentPort, workerData } from 'node:worker_threads';
import { runProcess } from '../src/lifecycle.js';
import { answerOpsRequests } from '../src/ops/workers-link.js';
import { startWorkers } from './index.js';

/**
 * The workers in a worker thread of the `npm start` process (see src/main.ts), so audits cannot delay the web side's
 * 3-second Slack acknowledgements. Started through workers/thread-boot.mjs (tsx's loader is not inherited by worker
 * threads); stopped by its parent with a `shutdown` message; answers the parent's /metrics and /readyz questions.
 */
const port = parentPort;
if (!port) throw new Error('workers/thread.ts runs only as a worker thread');
const { env } = workerData as { env: Record<string, string | undefined> };
const running = await runProcess(env, 'workers', async ({ services }) => {
  const workers = await startWorkers(services);
  answerOpsRequests(port, {
    metrics: () => services.metrics.registry.getMetricsAsJSON(),
    readiness: () => workers.running(),
  });
  return { stop: () => workers.close() };
});
port.postMessage({ type: 'ready' });
port.on('message', (m: { type?: string }) => {
  if (m.type !== 'shutdown') return;
  (running ? running.shutdown('parent') : Promise.resolve()).then(
    () => port.postMessage({ type: 'stopped' }),
    () => port.postMessage({ type: 'stopped', failed: true }),
  );
});
