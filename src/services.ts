import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { RedisClient } from './util/redis-client.js';
import type { Logger } from 'pino';
import { runAudit } from './audit/engine.js';
import type { AuditReport, CoveredScope } from './audit/report.js';
import { accountClients, defaultClientFactory, observedClientFactory, type AccountClients, type ClientFactory } from './aws/clients.js';
import { readTags } from './aws/inventory.js';
import { remediationSessions, type RemediationSessions } from './aws/sessions.js';
import type { Config } from './config.js';
import { CONTROLS } from './controls/index.js';
import { PostureStore } from './digest/posture.js';
import { DigestStateStore } from './digest/state.js';
import { awsCallObserver, createMetrics, observedSlackFetch, timedAudits, type Metrics } from './ops/metrics.js';
import { watchRedis, type RedisAvailability } from './queue/availability.js';
import { createRedis, describeRedis } from './queue/connection.js';
import { createProducers, type Producers } from './queue/producers.js';
import { ProposalBacklog, ProposalStore, type ProposalResource } from './remediation/proposals.js';
import type { RemediationDeps } from './remediation/run.js';
import { withAcceptedRisks } from './risks/apply.js';
import { RiskStore } from './risks/store.js';
import { createApprovers, type Approvers } from './slack/approvers.js';
import { DEFAULT_THREAD_LIMITS, type ThreadLimits } from './slack/blocks/audit.js';
import type { ListenerDeps } from './slack/deps.js';
import { verifyBotToken, type SlackIdentity } from './slack/identity.js';
import { slackSdkLogger } from './slack/logger.js';
import { createPacer, type Pacer } from './slack/pacer.js';
import { createHomeTab, type HomeTab } from './slack/threads/home.js';
import type { ResourceEventDeps } from './slack/threads/resource-events.js';
import { routeFor, routingNeeds, type Route } from './routing.js';
import { auditResource } from './audit/resource.js';
import { AuditTrail } from './trail.js';

/**
 * The composition root: everything a process needs, built once from the Config. The web side (src/slack/app.ts), the
 * workers (workers/index.ts), the demo, the benchmarks and the tests all start from here; nothing else constructs
 * connections, stores or clients. It reads no environment.
 */

/** Stores on one Redis connection. */
export interface Stores {
  proposals: ProposalStore;
  /** Each audit's proposals kept for its "Show next" button. */
  backlog: ProposalBacklog;
  trail: AuditTrail;
  risks: RiskStore;
  digestState: DigestStateStore;
  /** What App Home shows at a glance (posture, trend chart) and who opened it. */
  posture: PostureStore;
}

export interface Services {
  config: Config;
  logger: Logger;
  /** Fail-fast connection (the 3-second Slack ack must not hang on an outage) and retry-forever one (workers). */
  redis: { producer: RedisClient; worker: RedisClient };
  /** Whether Redis answers; an outage logged once, its end once. */
  redisAvailability: RedisAvailability;
  /** This process's Prometheus registry and instruments. */
  metrics: Metrics;
  producers: Producers;
  /** Stores on the fail-fast connection (web side) and on the worker connection (workers). */
  web: Stores;
  worker: Stores;
  slack: WebClient;
  /** The WebClient options Bolt's own client takes too (API URL, counted fetch). */
  slackClientOptions: WebClientOptions;
  /**
   * `clients`: the audit role's (AUDIT_ROLE, read-only) per account and region; `remediation`: one session per approved
   * fix (REMEDIATION_ROLE as the approver, or the audit's clients when it is unset).
   */
  aws: { factory: ClientFactory; clients: AccountClients; remediation: RemediationSessions };
  /** The engine with the accepted risks in force applied (FAILED → SUPPRESSED). */
  runAudit(scope: CoveredScope): Promise<AuditReport>;
  /** A resource's tags (ListTags in its account and region), for approval rules that match on tags. */
  resourceTags(resource: ProposalResource): Promise<Record<string, string>>;
  /** Change events: the targeted audit of one resource (audit role), and where its news goes. */
  events: Pick<ResourceEventDeps, 'auditResource' | 'routeFor'>;
  /** With a routing table: where a resource's news goes, its tags read when rules look at them (the digest split). */
  routeResource: ((resource: ProposalResource) => Promise<Route>) | undefined;
  approvers: Approvers;
  /** App Home on the fail-fast stores (listeners) and on the worker stores (refreshed after audits and digests). */
  homes: { web: HomeTab; worker: HomeTab };
  /** The clock (tests control it). */
  now: () => Date;
  /** How fast threads are posted and how large they get, and how remediation waits poll. */
  tuning: { pacer: Pacer; threadLimits: ThreadLimits; remediationTiming: RemediationDeps['timing']; auditConcurrency: number; eventConcurrency: number };
  /** What the listeners need (fail-fast stores). */
  listenerDeps(): ListenerDeps;
  /** Resolves once the fail-fast connection is ready (it has no offline queue); rejects after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  /** auth.test with the bot token (few retries: a start-up check); rejects with SlackTokenRejected when Slack refuses it. */
  checkSlack(): Promise<SlackIdentity>;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  /** AWS clients (tests and benchmarks point them at the AWS stand-in). */
  clientFactory?: ClientFactory;
  /** Clients per account and region (tests give each account its own keys on the stand-in). */
  clients?: AccountClients;
  /** Replaces the engine (tests with a synthetic report). */
  runAudit?: (scope: CoveredScope) => Promise<AuditReport>;
  slackClientOptions?: WebClientOptions;
  tuning?: Partial<Services['tuning']>;
  approvers?: Approvers;
  now?: () => Date;
}

function stores(redis: RedisClient, prefix: string): Stores {
  const trail = new AuditTrail(redis, prefix);
  return {
    proposals: new ProposalStore(redis, prefix),
    backlog: new ProposalBacklog(redis, prefix),
    trail,
    risks: new RiskStore(redis, prefix, trail),
    digestState: new DigestStateStore(redis, prefix),
    posture: new PostureStore(redis, prefix),
  };
}

export function createServices(config: Config, logger: Logger, overrides: ServiceOverrides = {}): Services {
  const prefix = config.app.queuePrefix;
  const producer = createRedis(config.app.redis, 'producer');
  const worker = createRedis(config.app.redis, 'worker');
  const redisAvailability = watchRedis(
    [
      { name: 'producer', client: producer },
      { name: 'worker', client: worker },
    ],
    logger,
  );
  const producers = createProducers(producer, prefix, redisAvailability.report);
  const metrics = createMetrics();
  const apiUrl = config.app.slack.apiUrl ?? 'https://slack.com/api/';
  const slackClientOptions: WebClientOptions = { slackApiUrl: apiUrl, fetch: observedSlackFetch(metrics, apiUrl), logger: slackSdkLogger(logger, 'slack-web-api') };
  const slack = new WebClient(config.app.slack.botToken, {
    ...slackClientOptions,
    // Workers post long threads: wait out rate limits a few times, but do not hold a job for half an hour.
    retryConfig: { retries: 5, factor: 3.86 }, // = retryPolicies.fiveRetriesInFiveMinutes (not an ESM named export)
    ...overrides.slackClientOptions,
  });
  const factory = observedClientFactory(overrides.clientFactory ?? defaultClientFactory({ maxAttempts: config.maxAttempts, timeouts: config.awsTimeouts }), awsCallObserver(metrics));
  const clients = overrides.clients ?? accountClients(factory, config.role, { externalId: config.externalId });
  const remediation = remediationSessions(factory, { role: config.app.remediation.role, externalId: config.externalId, audit: clients });
  const web = stores(producer, prefix);
  const workerStores = stores(worker, prefix);
  const engine = overrides.runAudit ?? ((scope: CoveredScope) => runAudit(scope, { config, clientFactory: factory }));
  const approvers = overrides.approvers ?? createApprovers(config.app.approvalPolicy, slack);
  const now = overrides.now ?? (() => new Date());
  const homeOn = (s: Stores): HomeTab =>
    createHomeTab({ slack, posture: s.posture, proposals: s.proposals, risks: s.risks, digestState: s.digestState, approvers, config, logger: logger.child({ component: 'home' }), now });
  const homes = { web: homeOn(web), worker: homeOn(workerStores) };
  const tuning: Services['tuning'] = {
    pacer: createPacer({ perSecond: 1, burst: 5 }),
    threadLimits: DEFAULT_THREAD_LIMITS,
    // AWS waiters poll every 30 s; 15 s first, doubling to a minute, keeps a fix responsive without hammering AWS.
    remediationTiming: { pollIntervalMs: 15_000, maxPollIntervalMs: 60_000, defaultMaxWaitSeconds: 1800 },
    auditConcurrency: 2,
    eventConcurrency: 8,
    ...overrides.tuning,
  };

  return {
    config,
    logger,
    redis: { producer, worker },
    redisAvailability,
    metrics,
    producers,
    web,
    worker: workerStores,
    slack,
    slackClientOptions,
    aws: { factory, clients, remediation },
    runAudit: timedAudits(metrics, withAcceptedRisks(engine, workerStores.risks, now)),
    resourceTags: (r) => readTags(clients(r.accountId, r.region).sagemaker, r.resourceArn),
    events: eventPorts(config, clients),
    routeResource: resourceRouter(config, clients),
    approvers,
    homes,
    now,
    tuning,
    listenerDeps: () => ({
      config,
      producers,
      ...web,
      approvers,
      home: homes.web,
      controlIds: CONTROLS.map((c) => c.metadata.id),
      logger,
      now,
    }),
    ready(timeoutMs = 10_000) {
      if (producer.status === 'ready') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          producer.off('ready', onReady);
          reject(Object.assign(new Error(`${describeRedis(config.app.redis)} is not ready after ${timeoutMs} ms`), { code: 'QUEUE_UNAVAILABLE' }));
        }, timeoutMs);
        const onReady = (): void => {
          clearTimeout(timer);
          resolve();
        };
        producer.once('ready', onReady);
      });
    },
    checkSlack: () => verifyBotToken(new WebClient(config.app.slack.botToken, { ...slackClientOptions, retryConfig: { retries: 2, factor: 2 }, ...overrides.slackClientOptions })),
    async close() {
      redisAvailability.stop();
      await producers.close().catch((err: unknown) => logger.warn({ err }, 'closing queues'));
      clients.close();
      await Promise.all([producer.quit().catch(() => producer.disconnect()), worker.quit().catch(() => worker.disconnect())]);
    },
  };
}

function resourceRouter(config: Config, clients: AccountClients): Services['routeResource'] {
  const routing = config.app.routing;
  if (!routing) return undefined;
  const needs = routingNeeds(routing);
  return async (r) =>
    routeFor(routing, { accountId: r.accountId, region: r.region, ...(needs.tags ? { tags: await readTags(clients(r.accountId, r.region).sagemaker, r.resourceArn) } : {}) });
}

/**
 * What the change-event jobs read with: the targeted audit in the resource's account (audit role), tags read when
 * routing or approval rules look at them; and the route: the routing table's most specific rule, or the digest
 * channel without a table. (Rules on OUs match only where the account's OUs are known.)
 */
function eventPorts(config: Config, clients: AccountClients): Services['events'] {
  const routing = config.app.routing;
  const withTags = (routing !== undefined && routingNeeds(routing).tags) || config.app.approvalPolicy.usesTags;
  return {
    auditResource: (ref) => auditResource(ref, { sagemaker: clients(ref.accountId, ref.region).sagemaker, config, withTags }),
    routeFor: async (facts) => {
      if (routing) return routeFor(routing, facts);
      const channel = config.app.digest.channel;
      if (!channel) throw new Error('no channel for change events: set ROUTING_FILE or DIGEST_CHANNEL');
      return { channel, rule: 'default' };
    },
  };
}
