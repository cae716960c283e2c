import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { App as BoltApp, CodedError, CustomRoute, Logger as BoltLogger } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { runAudit, type AuditDeps } from './audit/engine.js';
import type { AuditReport, AuditScope } from './audit/report.js';
import type { Config } from './config.js';
import { CONTROL_IDS } from './controls/index.js';
import { createRedis } from './queue/connection.js';
import { createProducers, type Producers } from './queue/producers.js';
import { ProposalStore } from './remediation/proposals.js';
import { AuditTrail } from './remediation/trail.js';
import { registerDigestAndRisks } from './digest/web.js';
import { registerProposalActions } from './slack/actions/proposal.js';
import { createApproverCheck, type ApproverCheck } from './slack/approvers.js';
import { registerAuditCommand, type SubcommandHandlers } from './slack/commands/audit.js';
import { replayGuard, signatureProperties } from './slack/replay.js';

/**
 * Composition root of the web side: builds the Bolt app (HTTP receiver on POST /slack/events with GET /healthz,
 * or Socket Mode when an app-level token is configured) and registers the listeners. It reads no environment:
 * the entry point passes a parsed Config and the connections.
 */
export interface AppDeps {
  /** Fail-fast connection (producer role): replay keys, proposals, trail. */
  redis: Redis;
  producers: Producers;
  proposals: ProposalStore;
  trail: AuditTrail;
  logger: Logger;
  /** Handlers for `/sagemaker-audit digest|exceptions …`; unhandled subcommands answer with usage. */
  subcommands?: SubcommandHandlers;
  /** Valid control ids (default: the catalog). */
  controlIds?: readonly string[];
  /** Skip auth.test at start-up when both are known. */
  botId?: string;
  botUserId?: string;
  /** Extra WebClient options (tests lower the retry policy). */
  clientOptions?: WebClientOptions;
  approvers?: ApproverCheck;
}

export interface SlackApp {
  app: BoltApp;
  /** Starts listening (HTTP: on `port`, default config port; 0 picks a free one). Resolves to the bound port. */
  start(port?: number): Promise<number>;
  stop(): Promise<void>;
}

/** Bolt's Logger interface on top of pino. */
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export function createApp(config: Config, deps: AppDeps): SlackApp {
  const { slack } = config.app;
  const logger = deps.logger;
  const prefix = config.app.queuePrefix;

  const healthz: CustomRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      deps.redis
        .ping()
        .then(() => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('ok');
        })
        .catch((err: unknown) => {
          logger.warn({ err, code: 'QUEUE_UNAVAILABLE' }, 'health check: Redis does not answer');
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('redis unavailable');
        });
    },
  };

  const clientOptions: WebClientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    ...deps.clientOptions,
  };
  const identity = deps.botId && deps.botUserId ? { botId: deps.botId, botUserId: deps.botUserId } : {};
  const socketMode = slack.appToken !== undefined;
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: slack.signingSecret,
        endpoints: ['/slack/events'],
        port: slack.port,
        customRoutes: [healthz],
        customPropertiesExtractor: (req) => signatureProperties(req),
        processBeforeResponse: false,
        logger: boltLogger(logger),
      });

  const app = socketMode
    ? new App({
        token: slack.botToken,
        appToken: slack.appToken,
        socketMode: true,
        customRoutes: [healthz],
        installerOptions: { port: slack.port },
        clientOptions,
        logger: boltLogger(logger),
        ...identity,
      })
    : new App({ token: slack.botToken, receiver, clientOptions, logger: boltLogger(logger), ...identity });

  app.use(replayGuard(deps.redis, prefix, logger));

  const approvers = deps.approvers ?? createApproverCheck(config.app, app.client);
  // Digest and accepted risks: Accept risk / Revoke / Propose fix listeners, and the `digest` / `exceptions` subcommands.
  const digestAndRisks = registerDigestAndRisks(app, config, { redis: deps.redis, proposals: deps.proposals, trail: deps.trail, approvers, logger });
  registerAuditCommand(app, {
    producers: deps.producers,
    trail: deps.trail,
    defaults: { accounts: config.accounts, regions: config.regions, controlIds: deps.controlIds ?? CONTROL_IDS },
    subcommands: { ...digestAndRisks.subcommands, ...deps.subcommands },
    logger,
  });
  registerProposalActions(app, {
    config: config.app,
    proposals: deps.proposals,
    trail: deps.trail,
    producers: deps.producers,
    approvers,
    logger,
  });

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
      await digestAndRisks.close();
    },
  };
}

/** Everything both sides share, built once per process from the Config. */
export interface Services {
  /** Fail-fast connection for the web side (ack path). */
  producerRedis: Redis;
  /** Retry-forever connection for workers and their stores. */
  workerRedis: Redis;
  producers: Producers;
  /** Stores on the fail-fast connection (web) and on the worker connection (workers). */
  web: { proposals: ProposalStore; trail: AuditTrail };
  worker: { proposals: ProposalStore; trail: AuditTrail };
  slack: WebClient;
  runAudit: (request: AuditScope) => Promise<AuditReport>;
  /** Resolves once the fail-fast connection is ready (it has no offline queue); rejects after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The web side of `createServices` (fail-fast connection and stores, shared producers), for `createApp`. */
export function webDepsFrom(services: Services, logger: Logger): Pick<AppDeps, 'redis' | 'producers' | 'proposals' | 'trail' | 'logger'> {
  return { redis: services.producerRedis, producers: services.producers, proposals: services.web.proposals, trail: services.web.trail, logger };
}

export function createServices(config: Config, logger: Logger, overrides: { auditDeps?: Partial<AuditDeps>; clientOptions?: WebClientOptions } = {}): Services {
  const prefix = config.app.queuePrefix;
  const producerRedis = createRedis(config.app.redisUrl, 'producer');
  const workerRedis = createRedis(config.app.redisUrl, 'worker');
  for (const [role, r] of [['producer', producerRedis], ['worker', workerRedis]] as const) {
    r.on('error', (err) => logger.warn({ err, role, code: 'QUEUE_UNAVAILABLE' }, 'Redis connection error'));
  }
  const producers = createProducers(producerRedis, prefix);
  const slack = new WebClient(config.app.slack.botToken, {
    ...(config.app.slack.apiUrl ? { slackApiUrl: config.app.slack.apiUrl } : {}),
    // Workers post long threads: wait out rate limits a few times, but do not hold a job for half an hour.
    retryConfig: { retries: 5, factor: 3.86 }, // = retryPolicies.fiveRetriesInFiveMinutes (not an ESM named export)
    ...overrides.clientOptions,
  });
  return {
    producerRedis,
    workerRedis,
    producers,
    web: { proposals: new ProposalStore(producerRedis, prefix), trail: new AuditTrail(producerRedis, prefix) },
    worker: { proposals: new ProposalStore(workerRedis, prefix), trail: new AuditTrail(workerRedis, prefix) },
    slack,
    runAudit: (request) => runAudit(request, { config, ...overrides.auditDeps }),
    ready(timeoutMs = 10_000) {
      if (producerRedis.status === 'ready') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          producerRedis.off('ready', onReady);
          reject(Object.assign(new Error(`Redis at ${config.app.redisUrl.replace(/\/\/[^@]*@/, '//***@')} is not ready after ${timeoutMs} ms`), { code: 'QUEUE_UNAVAILABLE' }));
        }, timeoutMs);
        const onReady = (): void => {
          clearTimeout(timer);
          resolve();
        };
        producerRedis.once('ready', onReady);
      });
    },
    async close() {
      await producers.close().catch((err: unknown) => logger.warn({ err }, 'closing queues'));
      await Promise.all([producerRedis.quit().catch(() => producerRedis.disconnect()), workerRedis.quit().catch(() => workerRedis.disconnect())]);
    },
  };
}
