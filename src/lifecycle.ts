import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createServices, type Services } from './services.js';

/**
 * The life of a process, shared by the entry points (src/main.ts, src/web.ts, workers/main.ts, workers/thread.ts):
 * the environment read once into a Config (a bad variable: one line each, exit 2), a JSON logger, the composition
 * root, Redis reachable (else exit 1), then `start`, and a clean shutdown on SIGINT/SIGTERM (a second signal forces
 * the exit). Signals reach the main thread only: a workers thread is stopped by its parent.
 */
export type ProcessRole = 'all' | 'web' | 'workers';

export interface ProcessContext {
  env: Record<string, string | undefined>;
  config: Config;
  logger: Logger;
  services: Services;
}

export interface Started {
  /** The HTTP port the web side listens on, when it runs here. */
  port?: number;
  stop(): Promise<void>;
}

export interface Running {
  config: Config;
  logger: Logger;
  port: number | undefined;
  shutdown(signal?: string): Promise<void>;
}

export async function runProcess(env: Record<string, string | undefined>, role: ProcessRole, start: (ctx: ProcessContext) => Promise<Started>): Promise<Running | undefined> {
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

  const logger = pino({ level: config.logLevel, base: { service: 'sagemaker-audit', role } });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });

  // Declared before anything starts so that a signal at any moment closes whatever is running by then.
  const services = createServices(config, logger);
  let started: Started | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (signal?: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ signal }, 'shutting down');
      await started?.stop().catch((err: unknown) => logger.warn({ err }, 'stopping'));
      await services.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  for (const signal of isMainThread ? (['SIGINT', 'SIGTERM'] as const) : []) {
    process.once(signal, () => {
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

  try {
    await services.ready();
  } catch (err) {
    logger.fatal({ err, code: 'QUEUE_UNAVAILABLE' }, 'Redis is not reachable; set REDIS_URL');
    await services.close().catch(() => undefined);
    process.exit(1);
  }
  try {
    started = await start({ env, config, logger, services });
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    await services.close().catch(() => undefined);
    process.exit(1);
  }
  return { config, logger, port: started.port, shutdown };
}

/** Whether the module at `url` is the file node was started with. */
export function isEntryPoint(url: string): boolean {
  return process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;
}
