import { isEntryPoint, runProcess } from '../src/lifecycle.js';
import { opsRoutes, redisCheck, serveOps, slackCheck } from '../src/ops/http.js';
import { registerQueueGauges } from '../src/ops/metrics.js';
import { answerOpsRequests, ipcLink } from '../src/ops/workers-link.js';
import { startWorkers } from './index.js';

/** Time kept, out of the shutdown bound, to close the workers that had to be cut short and the Redis connections. */
const CLOSE_MARGIN_MS = 2000;

/**
 * The workers alone (`npm run start:workers`), to scale them apart from the web side on the same Redis. They serve
 * /healthz, /readyz and /metrics on PORT, so each worker replica can be probed and scraped. Started by another
 * process with an IPC channel (the web side of `npm start`, as its second process), they answer its /metrics and
 * /readyz questions there instead, and leave PORT to it.
 */
if (isEntryPoint(import.meta.url)) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runProcess(process.env, 'workers', async ({ services, logger, config, slackIdentity }) => {
    const workers = await startWorkers(services);
    const stopWorkers = (deadline: number) => workers.close(deadline - Date.now() - CLOSE_MARGIN_MS);
    if (process.send) {
      answerOpsRequests(ipcLink(process), { metrics: () => services.metrics.registry.getMetricsAsJSON(), readiness: () => workers.running() });
      logger.info('workers started');
      return { stop: stopWorkers };
    }
    registerQueueGauges(services.metrics, services.producers, services.redisAvailability, services.now);
    const ops = await serveOps(
      opsRoutes({
        registry: services.metrics.registry,
        readiness: {
          redis: redisCheck(services.redis.producer),
          workers: () => workers.running(),
          slack: slackCheck(slackIdentity),
        },
      }),
      config.app.slack.port,
    );
    logger.info({ port: ops.port }, 'workers started');
    return {
      port: ops.port,
      async stop(deadline) {
        await stopWorkers(deadline);
        await ops.close();
      },
    };
  });
}
