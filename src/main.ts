import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { createApp, createServices, type SlackApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { CONTROL_IDS } from './controls/index.js';
import { startWorkers, type RunningWorkers } from '../workers/index.js';

/**
 * Process entry: `npm start` runs the web side and the workers in one process; `npm run start:web` and
 * `npm run start:workers` run one side each. The environment is read here, once, and nowhere else.
 */
export interface EntryOptions {
  web: boolean;
  workers: boolean;
}

export interface Running {
  config: Config;
  logger: Logger;
  port: number | undefined;
  shutdown(signal?: string): Promise<void>;
}

export async function runEntryPoint(env: Record<string, string | undefined>, options: EntryOptions): Promise<Running | undefined> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
      process.exit(2);
      return undefined;
    }
    throw err;
  }

  const logger = pino({ level: config.logLevel, base: { service: 'sagemaker-audit', role: options.web && options.workers ? 'all' : options.web ? 'web' : 'workers' } });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });

  const services = createServices(config, logger);
  try {
    await services.ready();
  } catch (err) {
    logger.fatal({ err, code: 'QUEUE_UNAVAILABLE' }, 'Redis is not reachable; set REDIS_URL');
    await services.close().catch(() => undefined);
    process.exit(1);
  }
  let slackApp: SlackApp | undefined;
  let workers: RunningWorkers | undefined;
  let port: number | undefined;

  if (options.workers) {
    workers = await startWorkers(config, {
      connection: services.workerRedis,
      slack: services.slack,
      proposals: services.worker.proposals,
      trail: services.worker.trail,
      producers: services.producers,
      logger,
      runAudit: services.runAudit,
      totalControls: CONTROL_IDS.length,
    });
    logger.info('workers started');
  }
  if (options.web) {
    slackApp = createApp(config, {
      redis: services.producerRedis,
      producers: services.producers,
      proposals: services.web.proposals,
      trail: services.web.trail,
      logger,
    });
    port = await slackApp.start();
    logger.info({ port, socketMode: config.app.slack.appToken !== undefined }, 'Slack app started');
    if (!options.workers) {
      await services.producers
        .requeueApproved(services.web.proposals, { dryRun: config.app.remediation.mode === 'dry-run' })
        .catch((err: unknown) => logger.warn({ err }, 'requeue of approved proposals failed'));
    }
  }

  let stopping: Promise<void> | undefined;
  const shutdown = (signal?: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ signal }, 'shutting down');
      await slackApp?.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the Slack app'));
      await workers?.close().catch((err: unknown) => logger.warn({ err }, 'closing workers'));
      await services.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // A second signal while workers finish their jobs forces the exit.
      process.once(signal, () => process.exit(1));
      shutdown(signal).then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return { config, logger, port, shutdown };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runEntryPoint(process.env, { web: true, workers: true });
}
