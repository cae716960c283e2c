import { isEntryPoint, runProcess } from '../src/lifecycle.js';
import { opsRoutes, redisCheck, serveOps } from '../src/ops/http.js';
import { registerQueueGauges } from '../src/ops/metrics.js';
import { startWorkers } from './index.js';

/**
 * The workers alone (`npm run start:workers`), to scale them apart from the web side on the same Redis. They serve
 * /healthz, /readyz and /metrics on PORT, so each worker replica can be probed and scraped.
 */
if (isEntryPoint(import.meta.url)) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runProcess(process.env, 'workers', async ({ services, logger, config, slackIdentity }) => {
    const workers = await startWorkers(services);
    registerQueueGauges(services.metrics, services.producers, services.redisAvailability, services.now);
    const ops = await serveOps(
      opsRoutes({
        registry: services.metrics.registry,
        readiness: {
          redis: redisCheck(services.redis.producer),
          workers: () => workers.running(),
          slack: async () => {
            if (!slackIdentity) throw new Error('the bot token was not checked at start');
          },
        },
      }),
      config.app.slack.port,
    );
    logger.info({ port: ops.port }, 'workers started');
    return {
      port: ops.port,
      async stop() {
        await workers.close();
        await ops.close();
      },
    };
  });
}
