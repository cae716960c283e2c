import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import type { App as BoltApp, CodedError, CustomRoute } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { RedisClient } from '../util/redis-client.js';
import type { ListenerDeps } from './deps.js';
import { slackSdkLogger } from './logger.js';
import { redisOutageNotice } from './outage.js';
import { registerListeners } from './register.js';
import { replayGuard, signatureProperties } from './replay.js';

/**
 * The web side: the Bolt app (HTTP receiver on POST /slack/events beside the operator's routes, or Socket Mode when an
 * app-level token is configured, the routes then on their own HTTP server), the replay guard, the Redis outage notice,
 * the listener registry and one error handler. It reads no environment:
 * the entry point passes a parsed Config and what the composition root built.
 */
export interface SlackAppDeps {
  listeners: ListenerDeps;
  /** Fail-fast connection: replay keys. */
  redis: RedisClient;
  logger: Logger;
  /** HTTP routes beside the Slack endpoint (health, readiness, metrics); in Socket Mode on their own port. */
  routes?: CustomRoute[];
  /** Skip auth.test at start-up when both are known. */
  identity?: { botId: string; botUserId: string };
  /** Extra WebClient options for Bolt's own client (tests lower the retry policy). */
  clientOptions?: WebClientOptions;
}

export interface SlackApp {
  app: BoltApp;
  /** Starts listening (HTTP: on `port`, default config port; 0 picks a free one). Resolves to the bound port. */
  start(port?: number): Promise<number>;
  stop(): Promise<void>;
}

export function createSlackApp(config: Config, deps: SlackAppDeps): SlackApp {
  const { slack } = config.app;
  const logger = deps.logger;
  const prefix = config.app.queuePrefix;

  const clientOptions: WebClientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    ...deps.clientOptions,
  };
  const identity = deps.identity ?? {};
  const socketMode = slack.appToken !== undefined;
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: slack.signingSecret,
        endpoints: ['/slack/events'],
        port: slack.port,
        customRoutes: deps.routes ?? [],
        customPropertiesExtractor: (req) => signatureProperties(req),
        processBeforeResponse: false,
        logger: slackSdkLogger(logger),
      });

  const app = socketMode
    ? new App({
        token: slack.botToken,
        appToken: slack.appToken,
        socketMode: true,
        customRoutes: deps.routes ?? [],
        installerOptions: { port: slack.port },
        clientOptions,
        logger: slackSdkLogger(logger),
        ...identity,
      })
    : new App({ token: slack.botToken, receiver, clientOptions, logger: slackSdkLogger(logger), ...identity });

  app.use(replayGuard(deps.redis, prefix, logger));
  app.use(redisOutageNotice(logger));

  registerListeners(app, deps.listeners);

  app.error(async (error: CodedError) => {
    const original = (error as { original?: unknown }).original;
    logger.error({ err: original ?? error, code: error.code ?? (original as { code?: string } | undefined)?.code }, 'Slack listener failed');
  });

  let server: Server | undefined;
  return {
    app,
    async start(port) {
      if (socketMode) {
        await app.start();
        return slack.port;
      }
      server = (await app.start(port ?? slack.port)) as Server;
      return (server.address() as AddressInfo).port;
    },
    async stop() {
      server?.closeAllConnections();
      await app.stop();
    },
  };
}
