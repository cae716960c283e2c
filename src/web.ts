import { isEntryPoint, runProcess, type ProcessContext, type Started } from './lifecycle.js';
import { opsRoutes, redisCheck, slackCheck, type MetricsSource, type OpsRoute, type ReadinessCheck } from './ops/http.js';
import { registerQueueGauges } from './ops/metrics.js';
import type { Services } from './services.js';
import { createSlackApp } from './slack/app.js';
import type { SlackIdentity } from './slack/identity.js';

/**
 * The web side (`npm run start:web`): the Bolt app that acks, parses and queues, with /healthz, /readyz and /metrics
 * on its port. Workers run elsewhere. At start it also queues any approval whose job was never queued (a crash
 * between the decision and the enqueue).
 */
export interface WebExtras {
  /** More readiness checks (`npm start`: the workers thread). */
  readiness?: Record<string, ReadinessCheck>;
  /** Other registries merged into /metrics (`npm start`: the workers thread's). */
  moreMetrics?: MetricsSource;
}

/** The web side's operator routes (/healthz, /readyz, /metrics), with the queue gauges on its registry. */
export function webRoutes(services: Services, slackIdentity: SlackIdentity | undefined, extras: WebExtras = {}): OpsRoute[] {
  registerQueueGauges(services.metrics, services.producers, services.redisAvailability, services.now);
  return opsRoutes({
    registry: services.metrics.registry,
    readiness: {
      redis: redisCheck(services.redis.producer),
      slack: slackCheck(slackIdentity),
      ...extras.readiness,
    },
    ...(extras.moreMetrics ? { more: extras.moreMetrics } : {}),
  });
}

export async function startWeb({ config, logger, services, slackIdentity }: ProcessContext, extras: WebExtras = {}): Promise<Started> {
  const slackApp = createSlackApp(config, {
    listeners: services.listenerDeps(),
    redis: services.redis.producer,
    logger,
    routes: webRoutes(services, slackIdentity, extras),
    clientOptions: services.slackClientOptions,
    ...(slackIdentity ? { identity: { botId: slackIdentity.botId, botUserId: slackIdentity.botUserId } } : {}),
  });
  const port = await slackApp.start();
  logger.info({ port, socketMode: config.app.slack.appToken !== undefined }, 'Slack app started');
  await services.producers
    .requeueApproved(services.web.proposals, { dryRun: config.app.remediation.mode === 'dry-run' })
    .catch((err: unknown) => logger.warn({ err }, 'requeue of approved proposals failed'));
  return { port, stop: () => slackApp.stop() };
}

if (isEntryPoint(import.meta.url)) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runProcess(process.env, 'web', (ctx) => startWeb(ctx));
}
