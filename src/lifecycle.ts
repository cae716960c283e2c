import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createServices, type Services } from './services.js';

/**
 * The life of a process, shared by the entry points (src/main.ts, src/web.ts, workers/main.ts): the environment read
 * once into a Config (a bad variable: one line each, exit 2), a JSON logger, the composition root, Redis reachable
 * (else exit 1), then `start`, and a shutdown on SIGINT/SIGTERM that ends within SHUTDOWN_TIMEOUT_SECONDS: `stop` is
 * given the deadline, and a process still alive at the deadline exits 1 (a second signal forces the exit at once).
 *
 * A process started by another one (the workers of `npm start`, see src/main.ts) tells its parent when it is ready,
 * shuts down when the parent asks (a message, not a signal: a signal sent to the whole process group already reached
 * it, and a second one would force it) or goes away.
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
  /** Stops what `start` started, by `deadline` (epoch ms); what is not done by then is left to the hard exit. */
  stop(deadline: number): Promise<void>;
}

/** Messages between a parent and the child it started, over their IPC channel. */
export const READY_MESSAGE = 'sagemaker-audit:ready';
export const SHUTDOWN_MESSAGE = 'sagemaker-audit:shutdown';

export async function runProcess(env: Record<string, string | undefined>, role: ProcessRole, start: (ctx: ProcessContext) => Promise<Started>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
      process.exit(2);
      return;
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
  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    const begun = Date.now();
    const deadline = begun + config.app.shutdownTimeoutMs;
    logger.info({ reason, timeoutMs: config.app.shutdownTimeoutMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs: config.app.shutdownTimeoutMs }, 'shutdown did not finish in time (SHUTDOWN_TIMEOUT_SECONDS); exiting');
      process.exit(1);
    }, Math.max(0, deadline - Date.now())).unref();
    (async () => {
      await started?.stop(deadline).catch((err: unknown) => logger.warn({ err }, 'stopping'));
      await services.close();
    })().then(
      () => {
        logger.info({ ms: Date.now() - begun }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.once(signal, () => process.exit(1));
      shutdown(signal);
    });
  }
  // Forked with an IPC channel (src/main.ts): the parent's request, or its exit however abrupt, stops this process too.
  if (process.send) {
    process.on('message', (m) => m === SHUTDOWN_MESSAGE && shutdown('parent process stopping'));
    process.once('disconnect', () => shutdown('parent process exited'));
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
  process.send?.(READY_MESSAGE);
}

/** Whether the module at `url` is the file node was started with. */
export function isEntryPoint(url: string): boolean {
  return process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;
}
