import { pathToFileURL } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';
import { pino, type Logger } from 'pino';
import { createApp, createServices, webDepsFrom, type SlackApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startWorkers, workerDepsFrom, type RunningWorkers } from '../workers/index.js';

/**
 * Process entry: `npm start` runs the web side and the workers in one process; `npm run start:web` and
 * `npm run start:workers` run one side each. The environment is read here, once, and nowhere else.
 *
 * In `npm start` the workers run in a worker thread of the same process (workers/thread.ts): an audit of a large
 * fleet keeps an event loop busy parsing AWS responses, and the web side must still acknowledge Slack within 3 s.
 */
export interface EntryOptions {
  web: boolean;
  workers: boolean;
  /** With both sides: run the workers on this thread's event loop instead of a worker thread. */
  sameThread?: boolean;
}

/** Starts workers/thread.ts in a worker thread; resolves once its workers are up. */
function startWorkersThread(env: Record<string, string | undefined>, logger: Logger, onExit: (code: number) => void): Promise<{ stop(): Promise<void> }> {
  const worker = new Worker(new URL('../workers/thread-boot.mjs', import.meta.url), {
    workerData: { entry: new URL('../workers/thread.ts', import.meta.url).href, env: { ...env } },
  });
  let stopping = false;
  worker.on('error', (err) => logger.fatal({ err }, 'workers thread crashed'));
  worker.on('exit', (code) => {
    if (!stopping) onExit(code === 0 ? 1 : code);
  });
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type?: string }): void => {
      if (m.type !== 'ready') return;
      worker.off('message', onMessage);
      resolve({
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

  // Declared before anything starts so that a signal at any moment closes whatever is running by then.
  let workersThread: { stop(): Promise<void> } | undefined;
  const services = createServices(config, logger);
  let slackApp: SlackApp | undefined;
  let workers: RunningWorkers | undefined;
  let port: number | undefined;

  let stopping: Promise<void> | undefined;
  const shutdown = (signal?: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ signal }, 'shutting down');
      await slackApp?.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the Slack app'));
      await workers?.close().catch((err: unknown) => logger.warn({ err }, 'closing workers'));
      await workersThread?.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the workers thread'));
      await services.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  // Signals reach the main thread only; a workers thread is stopped by its parent (workers/thread.ts).
  for (const signal of isMainThread ? (['SIGINT', 'SIGTERM'] as const) : []) {
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

  // `npm start`: web here, workers in their own thread (same process, separate event loop).
  const workersInThread = options.web && options.workers && !options.sameThread && isMainThread;
  if (workersInThread) {
    try {
      workersThread = await startWorkersThread(env, logger, (code) => {
        logger.fatal({ code }, 'workers thread stopped unexpectedly; exiting so the supervisor restarts the process');
        process.exit(code);
      });
      logger.info('workers started in their own thread');
    } catch (err) {
      logger.fatal({ err }, 'could not start the workers');
      process.exit(1);
    }
  }

  try {
    await services.ready();
  } catch (err) {
    logger.fatal({ err, code: 'QUEUE_UNAVAILABLE' }, 'Redis is not reachable; set REDIS_URL');
    await services.close().catch(() => undefined);
    process.exit(1);
  }
  if (options.workers && !workersInThread) {
    workers = await startWorkers(config, workerDepsFrom(services, logger));
    logger.info('workers started');
  }
  if (options.web) {
    slackApp = createApp(config, webDepsFrom(services, logger));
    port = await slackApp.start();
    logger.info({ port, socketMode: config.app.slack.appToken !== undefined }, 'Slack app started');
    if (!options.workers || workersInThread) {
      await services.producers
        .requeueApproved(services.web.proposals, { dryRun: config.app.remediation.mode === 'dry-run' })
        .catch((err: unknown) => logger.warn({ err }, 'requeue of approved proposals failed'));
    }
  }

  return { config, logger, port, shutdown };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runEntryPoint(process.env, { web: true, workers: true });
}
