import type { Job } from 'bullmq';
import { pino, type Logger } from 'pino';
import type { AuditReport, CoveredScope } from '../../src/audit/report.js';
import type { ClientFactory } from '../../src/aws/clients.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createServices, type Services } from '../../src/services.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { createPacer } from '../../src/slack/pacer.js';
import type { ThreadLimits } from '../../src/slack/blocks/audit.js';
import { webRoutes } from '../../src/web.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import type { QueueName } from '../../src/queue/names.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../queue/redis.js';
import { freePort } from '../support/redis-server.js';
import { blockActionsBody, postSigned, SlackStandin, slashCommandBody, type SlackStandinOptions, type StoredMessage } from '../support/slack-standin/index.js';

/**
 * The real Bolt HTTP receiver on a random port, real Redis under a unique prefix, the Slack stand-in behind the
 * WebClient, and optionally the real audit worker. Requests are signed like Slack signs them.
 */
export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const CHANNEL = 'C0AUDIT';
export const REQUESTER = 'U0REQUESTER';
export const APPROVER = 'U0APPROVER';
export const GROUP_MEMBER = 'U0GROUPIE';
export const OUTSIDER = 'U0OUTSIDER';

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Start the real workers: all of them, or only these queues' (e.g. the audit's, so no fix runs). */
  workers?: boolean | QueueName[];
  /** Replaces the engine (e.g. a synthetic report); otherwise the real engine with `clientFactory`. */
  runAudit?: (request: CoveredScope) => Promise<AuditReport>;
  clientFactory?: ClientFactory;
  limits?: ThreadLimits;
  standin?: SlackStandinOptions;
  /** Pass botId/botUserId (default) or let Bolt call auth.test against the stand-in. */
  skipAuthTest?: boolean;
  /** The app's logger (default: silent). */
  logger?: Logger;
  /** Socket Mode (SLACK_APP_TOKEN) instead of the HTTP receiver; the operator routes on a free PORT. */
  socketMode?: boolean;
}

export interface Harness {
  standin: SlackStandin;
  config: Config;
  prefix: string;
  services: Services;
  slackApp: SlackApp;
  workers: RunningWorkers | undefined;
  eventsUrl: string;
  baseUrl: string;
  command(text: string, options?: { userId?: string; channelId?: string; responseId?: string; timestamp?: number }): Promise<{ status: number; ms: number; responseId: string; body: string }>;
  click(action: 'approve' | 'deny', proposalId: string, userId: string, messageTs: string, responseId?: string): Promise<{ status: number; ms: number }>;
  /** Any button of the app's messages, clicked in CHANNEL. */
  press(actionId: string, value: string, userId: string, messageTs: string): Promise<{ status: number; ms: number }>;
  auditJobs(): Promise<Job[]>;
  remediationJobs(): Promise<Job[]>;
  close(): Promise<void>;
}

let seq = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const standin = await SlackStandin.start({ channels: [CHANNEL, 'C0OTHER'], userGroups: { S0APPROVERS: [GROUP_MEMBER] }, ...options.standin });
  const prefix = uniquePrefix('slack');
  const config = loadConfig({
    SLACK_BOT_TOKEN: standin.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: standin.apiUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    AUDIT_REGIONS: 'us-east-1',
    AUDIT_ACCOUNTS: '111111111111',
    APPROVERS: `${APPROVER},S0APPROVERS`,
    TWO_PERSON_RULE: 'true',
    LOG_LEVEL: 'silent',
    ...(options.socketMode ? { SLACK_APP_TOKEN: standin.appToken, PORT: String(await freePort()) } : {}),
    ...options.env,
  });
  const logger = options.logger ?? pino({ level: 'silent' });
  const services = createServices(config, logger, {
    ...(options.clientFactory ? { clientFactory: options.clientFactory } : {}),
    ...(options.runAudit ? { runAudit: options.runAudit } : {}),
    slackClientOptions: { retryConfig: { retries: 2, factor: 1, minTimeout: 50, maxTimeout: 2000 } },
    tuning: {
      // The stand-in does not rate limit unless told to; keep the pacer but let tests run fast.
      pacer: createPacer({ perSecond: 200, burst: 50 }),
      // The AWS stand-in's transitions take milliseconds, not minutes: poll accordingly so jobs finish quickly.
      remediationTiming: { pollIntervalMs: 50, maxPollIntervalMs: 1000, defaultMaxWaitSeconds: 1800 },
      ...(options.limits ? { threadLimits: options.limits } : {}),
    },
  });
  await services.ready();
  const identity = { botId: standin.botId, botUserId: standin.botUserId, teamId: standin.teamId };
  const slackApp = createSlackApp(config, {
    listeners: services.listenerDeps(),
    redis: services.redis.producer,
    logger,
    routes: webRoutes(services, identity),
    clientOptions: { ...services.slackClientOptions, retryConfig: { retries: 0 } },
    ...(options.skipAuthTest === false ? {} : { identity }),
  });
  const port = await slackApp.start(0);
  const baseUrl = `http://127.0.0.1:${port}`;
  const eventsUrl = `${baseUrl}/slack/events`;
  const workers = options.workers ? await startWorkers(services, Array.isArray(options.workers) ? { queues: options.workers } : {}) : undefined;

  return {
    standin,
    config,
    prefix,
    services,
    slackApp,
    workers,
    eventsUrl,
    baseUrl,
    async command(text, o = {}) {
      const responseId = o.responseId ?? `cmd-${++seq}`;
      const body = slashCommandBody({ text, userId: o.userId ?? REQUESTER, channelId: o.channelId ?? CHANNEL, responseUrl: standin.responseUrl(responseId) });
      const res = await postSigned(eventsUrl, SIGNING_SECRET, body, o.timestamp !== undefined ? { timestamp: o.timestamp } : {});
      return { status: res.status, ms: res.ms, responseId, body };
    },
    async click(action, proposalId, userId, messageTs, responseId) {
      const body = blockActionsBody({
        actionId: action === 'approve' ? ACTION_IDS.approve : ACTION_IDS.deny,
        value: proposalId,
        userId,
        messageTs,
        channelId: CHANNEL,
        responseUrl: standin.responseUrl(responseId ?? `click-${++seq}`),
      });
      return postSigned(eventsUrl, SIGNING_SECRET, body);
    },
    async press(actionId, value, userId, messageTs) {
      const body = blockActionsBody({ actionId, value, userId, messageTs, channelId: CHANNEL, responseUrl: standin.responseUrl(`press-${++seq}`) });
      return postSigned(eventsUrl, SIGNING_SECRET, body);
    },
    auditJobs: () => services.producers.audit.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']),
    remediationJobs: () => services.producers.remediation.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']),
    async close() {
      await slackApp.stop().catch(() => undefined);
      await workers?.close();
      await services.producers.audit.obliterate({ force: true }).catch(() => undefined);
      await services.producers.remediation.obliterate({ force: true }).catch(() => undefined);
      await deletePrefix(services.redis.worker, prefix);
      await services.close();
      await standin.close();
    },
  };
}

export type Button = { action_id: string; value: string; confirm?: unknown };
/** The buttons of a posted message. */
export const buttons = (m: StoredMessage): Button[] => (m.blocks ?? []).flatMap((b) => (b.type === 'actions' ? (b.elements as Button[]) : []));

/** Polls until `check` holds. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Every string that reached Slack (message texts, block texts, response_url posts, ephemerals). */
export function everyPostedString(standin: SlackStandin): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const c of standin.calls) walk(c.args);
  for (const p of standin.responsePosts) walk(p.body);
  return out;
}
