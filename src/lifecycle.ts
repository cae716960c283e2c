import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logging.js';
import { collectProcessMetrics } from './ops/metrics.js';
import { scheduleProblems } from './queue/producers.js';
import { createServices, type Services } from './services.js';
import type { SlackIdentity } from './slack/identity.js';
import { checkRedis, checkSlack, StartupRefused } from './startup.js';

/**
 * The life of a process, shared by the entry points (src/main.ts, src/web.ts, workers/main.ts): the environment read
 * once into a Config (a bad variable or digest schedule: one line each, exit 2), a JSON logger that blanks secrets,
 * the composition root, Redis reachable (else exit 1), the start-up checks (an evicting Redis or a bot token Slack
 * refuses: one line, exit 2), then `start`, and a shutdown on SIGINT/SIGTERM that ends within
 * SHUTDOWN_TIMEOUT_SECONDS: `stop` is given the deadline, and a process still alive at the deadline exits 1 (a second
 * signal forces the exit at once).
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
  /** The bot's identity from the start-up auth.test (not in a process started by another). */
  slackIdentity: SlackIdentity | undefined;
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
    // The digest schedule, checked with the scheduler's own parser before anything starts.
    const problems = scheduleProblems(config.app.digest);
    if (problems.length > 0) throw new ConfigError(problems);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
      process.exit(2);
      return;
    }
    throw err;
  }

  const logger = createLogger({ level: config.logLevel, base: { service: 'sagemaker-audit', role }, secrets: config.secrets });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });

  // A start-up check that fails: one line and exit 2 for a setting to change, exit 1 for anything else.
  const refuse = (err: unknown): never => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    const refused = err instanceof StartupRefused;
    logger.fatal(refused ? { code: err.code } : { err }, refused ? err.message : 'a start-up check failed');
    process.exit(refused ? err.exitCode : 1);
  };
  await checkRedis(config.app.redis).catch(refuse);

  // Declared before anything starts so that a signal at any moment closes whatever is running by then.
  let services: Services;
  try {
    services = createServices(config, logger);
  } catch (err) {
    return refuse(err);
  }
  // Started by the web side of `npm start` (a child process with an IPC channel): the parent checks Slack and reports
  // the process-wide figures.
  const startedByParent = typeof process.send === 'function';
  // Process-wide figures (memory, CPU, event loop), once per process.
  if (!startedByParent) collectProcessMetrics(services.metrics);
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
  let slackIdentity: SlackIdentity | undefined;
  // One auth.test per `npm start`: the web side's.
  if (!startedByParent) {
    slackIdentity = await checkSlack(services).catch(async (err: unknown) => {
      await services.close().catch(() => undefined);
      return refuse(err);
    });
  }
  try {
    started = await start({ env, config, logger, services, slackIdentity });
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
