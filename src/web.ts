import { isEntryPoint, runProcess, type ProcessContext, type Started } from './lifecycle.js';
import { createSlackApp } from './slack/app.js';

/**
 * The web side (`npm run start:web`): the Bolt app that acks, parses and queues. Workers run elsewhere. At start it
 * also queues any approval whose job was never queued (a crash between the decision and the enqueue).
 */
export async function startWeb({ config, logger, services }: ProcessContext): Promise<Started> {
  const slackApp = createSlackApp(config, { listeners: services.listenerDeps(), redis: services.redis.producer, logger });
  const port = await slackApp.start();
  logger.info({ port, socketMode: config.app.slack.appToken !== undefined }, 'Slack app started');
  await services.producers
    .requeueApproved(services.web.proposals, { dryRun: config.app.remediation.mode === 'dry-run' })
    .catch((err: unknown) => logger.warn({ err }, 'requeue of approved proposals failed'));
  return { port, stop: () => slackApp.stop() };
}

if (isEntryPoint(import.meta.url)) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runProcess(process.env, 'web', startWeb);
}
