/**
 * Shared set-up for the remediation tests and the benchmark: the AWS stand-in (real SDK over HTTP) enforcing IAM, the
 * Slack stand-in (real WebClient), real Redis under a unique prefix, proposals made from a real audit (so the
 * fingerprint is the engine's), and the real remediation worker.
 *
 * IAM as in a real organization: the app runs in a hub account and assumes, in the member account, the audit role
 * (for every read) and the remediation role (for each approved fix, as the approver), each with exactly the policy
 * and trust policy the product generates (`sagemaker-audit iam-policy`, deploy/member-roles.yaml). A call the
 * generated policy does not allow fails the test as it would fail a customer.
 */
import { QueueEvents } from 'bullmq';
import type { Queue, Worker, WorkerOptions } from 'bullmq';
import { WebClient } from '@slack/web-api';
import type { RedisClient } from '../../src/util/redis-client.js';
import { pino } from 'pino';
import { runAudit } from '../../src/audit/engine.js';
import { defaultClientFactory } from '../../src/aws/clients.js';
import type { ClientFactory } from '../../src/aws/clients.js';
import { loadConfig } from '../../src/config.js';
import type { Config } from '../../src/config.js';
import { jobIds } from '../../src/queue/jobs.js';
import type { RemediationJobData } from '../../src/queue/jobs.js';
import { QUEUE_NAMES } from '../../src/queue/names.js';
import { draftsFor, newProposalId } from '../../src/remediation/proposals.js';
import type { Proposal, ProposalStore } from '../../src/remediation/proposals.js';
import type { AuditTrail, RecordedTrailEvent } from '../../src/trail.js';
import { createServices, type Services } from '../../src/services.js';
import { proposalMessage } from '../../src/slack/blocks/proposal.js';
import { DEFAULT_ROLE_NAMES, iamPolicy, trustPolicy } from '../../src/iam/policy.js';
import type { PolicyScope } from '../../src/iam/policy.js';
import { startWorkers } from '../../workers/index.js';
import type { RateLimitStrategy } from '../../workers/remediation.js';
import { startAwsStandin } from '../support/aws-standin/index.js';
import type { AwsStandin, PolicyDocument } from '../support/aws-standin/index.js';
import { SlackStandin } from '../support/slack-standin/index.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../queue/redis.js';

export const REGION = 'eu-west-1';
export const ACCOUNT = '210987654321';
export const CHANNEL = 'C0REMED';
export const APPROVER = 'U0APPROVER';
/** Where the tests' resources live, as the stand-in's `invoke` takes it. */
export const AT = { accountId: ACCOUNT, region: REGION } as const;
export const ROLE_ARN = (acct: string) => `arn:aws:iam::${acct}:role/sagemaker-role`;

/** The app's account, and its principal (the stand-in's long-term keys of that account). */
export const HUB = '123456789012';
export const HUB_PRINCIPAL = `arn:aws:iam::${HUB}:user/standin`;
export const EXTERNAL_ID = 'sagemaker-audit-tests';
export const auditRoleArn = (acct: string) => `arn:aws:iam::${acct}:role/${DEFAULT_ROLE_NAMES.audit}`;
export const remediationRoleArn = (acct: string) => `arn:aws:iam::${acct}:role/${DEFAULT_ROLE_NAMES.remediation}`;

/** SageMaker mutating operations (a dry run must send none). */
export const MUTATING = [
  'StopNotebookInstance',
  'StartNotebookInstance',
  'UpdateNotebookInstance',
  'CreateDataQualityJobDefinition',
  'DeleteDataQualityJobDefinition',
  'UpdateMonitoringSchedule',
  'AddTags',
  'CreateEndpointConfig',
  'UpdateEndpoint',
  'DeleteEndpointConfig',
] as const;

export function testConfig(prefix: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    AWS_REGION: REGION,
    SLACK_BOT_TOKEN: 'xoxb-remediation-test',
    SLACK_SIGNING_SECRET: 'remediation-secret',
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    REQUIRED_TAG_KEYS: 'owner,cost-center',
    REMEDIATION_TAGS: 'owner=platform,cost-center=cc-42',
    AWS_MAX_ATTEMPTS: '3',
    REMEDIATION_CONCURRENCY: '4',
    REMEDIATION_ACCOUNT_RATE: '50',
    AUDIT_ROLE: DEFAULT_ROLE_NAMES.audit,
    REMEDIATION_ROLE: DEFAULT_ROLE_NAMES.remediation,
    AWS_ROLE_EXTERNAL_ID: EXTERNAL_ID,
    ...env,
  });
}

/** The app's clients: the hub account's keys on the stand-in, the source of every AssumeRole. */
export function hubFactory(aws: AwsStandin, maxAttempts = 3): ClientFactory {
  const keys = aws.credentialsFor(HUB);
  return defaultClientFactory({ maxAttempts, endpoint: aws.url, credentials: async () => keys });
}

/**
 * The member stack in `accountId`: the audit and remediation roles with the generated trust policies (the hub
 * principal, the external id; the remediation role requires a source identity) and the generated policies (PassRole on
 * the account's execution role only); and the app role's generated policy on the hub principal. `policies` replaces a
 * role's policy (a test that removes one action, or a single role with `all`).
 */
export function installRoles(aws: AwsStandin, accountId: string, policies: { audit?: PolicyScope | PolicyDocument; remediation?: PolicyDocument } = {}): void {
  const generated = (scope: PolicyScope) => iamPolicy(scope, { account: accountId, executionRoles: [ROLE_ARN(accountId)] }) as unknown as PolicyDocument;
  const audit = typeof policies.audit === 'string' || policies.audit === undefined ? generated(policies.audit ?? 'audit') : policies.audit;
  aws.setRole(auditRoleArn(accountId), { trustPolicy: trustPolicy('audit', HUB_PRINCIPAL, EXTERNAL_ID) as unknown as PolicyDocument, policy: audit });
  aws.setRole(remediationRoleArn(accountId), {
    trustPolicy: trustPolicy('remediation', HUB_PRINCIPAL, EXTERNAL_ID) as unknown as PolicyDocument,
    policy: policies.remediation ?? generated('remediation'),
  });
  aws.setIdentityPolicy(HUB_PRINCIPAL, iamPolicy('hub') as unknown as PolicyDocument);
}

/** The generated remediation policy of `accountId` without `action`: what a role missing one permission looks like. */
export function remediationPolicyWithout(accountId: string, action: string): PolicyDocument {
  const policy = iamPolicy('remediation', { account: accountId, executionRoles: [ROLE_ARN(accountId)] });
  const statements = policy.Statement.map((st) => ({ ...st, Action: st.Action.filter((a) => a !== action) })).filter((st) => st.Action.length > 0);
  if (statements.flatMap((st) => st.Action).length === policy.Statement.flatMap((st) => st.Action).length) throw new Error(`${action} is not in the remediation policy`);
  return { ...policy, Statement: statements } as unknown as PolicyDocument;
}

export interface Slack {
  standin: SlackStandin;
  web: WebClient;
}

export async function startSlack(): Promise<Slack> {
  const standin = await SlackStandin.start({ channels: [CHANNEL] });
  const web = new WebClient(standin.botToken, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } });
  return { standin, web };
}

/** The stand-ins a remediation test file shares. */
export interface Standins {
  aws: AwsStandin;
  slack: Slack;
}

/**
 * Starts the AWS stand-in, enforcing IAM (SageMaker state transitions take `transitionDelayMs`), and the Slack
 * stand-in: a file's beforeAll.
 */
export async function startStandins(transitionDelayMs: number): Promise<Standins> {
  const aws = await startAwsStandin({ transitionDelayMs, enforceIam: true });
  const slack = await startSlack();
  return { aws, slack };
}

/** A file's afterAll. */
export async function closeStandins(s: Standins): Promise<void> {
  await s.aws.close();
  await s.slack.standin.close();
}

/** Before each test: no resources, no counted calls, no injected faults; and, when given, this transition delay again. */
export function resetAws(aws: AwsStandin, transitionDelayMs?: number): void {
  aws.state.clear();
  aws.resetCounters();
  aws.clearFaults();
  if (transitionDelayMs !== undefined) aws.setTransitionDelay(transitionDelayMs);
}

export interface Ctx {
  aws: AwsStandin;
  slack: Slack;
  services: Services;
  redis: RedisClient;
  prefix: string;
  config: Config;
  proposals: ProposalStore;
  trail: AuditTrail;
  queue: Queue<RemediationJobData>;
  events: QueueEvents;
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * The composition root (createServices) on the stand-ins: Slack calls go to the Slack stand-in with the services'
 * own WebClient, AWS calls to the AWS stand-in from the hub account through the member roles of ACCOUNT (installed
 * here), waits poll quickly.
 */
export async function createCtx(aws: AwsStandin, slack: Slack, env: Record<string, string> = {}, label = 'rem', logger = pino({ level: 'silent' })): Promise<Ctx> {
  const prefix = uniquePrefix(label);
  const config = testConfig(prefix, { SLACK_BOT_TOKEN: slack.standin.botToken, SLACK_API_URL: slack.standin.apiUrl, ...env });
  installRoles(aws, ACCOUNT);
  const services = createServices(config, logger, {
    clientFactory: hubFactory(aws, config.maxAttempts),
    slackClientOptions: { retryConfig: { retries: 0 } },
    tuning: { remediationTiming: { pollIntervalMs: 20, maxPollIntervalMs: 100, defaultMaxWaitSeconds: 20 } },
  });
  await services.ready();
  const queue = services.producers.remediation;
  const events = new QueueEvents(QUEUE_NAMES.remediation, { connection: testRedis(), prefix });
  await events.waitUntilReady();
  const ctx: Ctx = {
    aws,
    slack,
    services,
    redis: services.redis.worker,
    prefix,
    config,
    proposals: services.worker.proposals,
    trail: services.worker.trail,
    queue,
    events,
    workers: [],
    async close() {
      await Promise.all(ctx.workers.map((w) => w.close(true).catch(() => undefined)));
      await queue.obliterate({ force: true }).catch(() => undefined);
      await events.close();
      await deletePrefix(services.redis.worker, prefix);
      await services.close();
    },
  };
  return ctx;
}

/** Starts the real remediation worker (the workers table's row) on the Ctx. */
export async function startWorker(ctx: Ctx, o: { options?: Partial<WorkerOptions>; rateLimit?: RateLimitStrategy } = {}): Promise<Worker> {
  const running = await startWorkers(ctx.services, {
    queues: [QUEUE_NAMES.remediation],
    ...(o.options ? { options: { [QUEUE_NAMES.remediation]: o.options } } : {}),
    ...(o.rateLimit ? { remediationRateLimit: o.rateLimit } : {}),
  });
  ctx.workers.push(...running.workers);
  return running.workers[0]!;
}

/** A fresh Ctx with the remediation worker running on it. */
export async function createCtxWithWorker(aws: AwsStandin, slack: Slack, env: Record<string, string> = {}): Promise<Ctx> {
  const ctx = await createCtx(aws, slack, env);
  await startWorker(ctx);
  return ctx;
}

/**
 * Runs a real audit of the resource (one control, several, or all) and stores its one proposal (every FAILED result
 * with a plan, plans merged) as a pending proposal posted in Slack.
 */
export async function propose(ctx: Ctx, o: { controlId?: string; controls?: string[]; resource: string; accountId?: string; region?: string }): Promise<Proposal> {
  const accountId = o.accountId ?? ACCOUNT;
  const region = o.region ?? REGION;
  const controls = o.controls ?? (o.controlId ? [o.controlId] : []);
  const report = await runAudit(
    { accounts: [accountId], regions: [region], controls, source: 'sagemaker', resource: o.resource },
    { config: ctx.config, clientFactory: ctx.services.aws.factory },
  );
  const draft = draftsFor(report.results)[0];
  if (!draft) {
    throw new Error(`no FAILED result with a plan for ${o.resource}: ${JSON.stringify(report.results.map((r) => [r.controlId, r.status, r.reason]))} ${JSON.stringify(report.errors)}`);
  }
  const parent = await ctx.slack.web.chat.postMessage({ channel: CHANNEL, text: 'audit summary' });
  const proposal: Proposal = {
    ...draft,
    id: newProposalId(),
    createdAt: new Date().toISOString(),
    auditId: 'a1',
    requestedBy: 'U0REQUESTER',
    tags: null,
    slack: { channelId: CHANNEL, threadTs: parent.ts! },
  };
  const stored = await ctx.proposals.createOrReuse(proposal);
  if (!stored.created) throw new Error(`an open proposal already stands for ${o.resource}: ${stored.existing.proposal.id}`);
  const state = (await ctx.proposals.get(proposal.id))!.state;
  const posted = await ctx.slack.web.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, ...proposalMessage(proposal, state, ctx.config.app.approvalPolicy) });
  await ctx.proposals.setMessageTs(proposal.id, posted.ts!);
  proposal.slack.messageTs = posted.ts!;
  return proposal;
}

export async function approve(ctx: Ctx, proposalId: string): Promise<void> {
  const t = await ctx.proposals.transition(proposalId, ['pending'], 'approved', { by: APPROVER });
  if (!t.changed) throw new Error(`could not approve ${proposalId}`);
}

export async function enqueue(ctx: Ctx, proposalId: string, o: { dryRun?: boolean; attempts?: number; backoffMs?: number } = {}): Promise<string> {
  const jobId = jobIds.remediation(proposalId);
  await ctx.queue.add(
    'remediate',
    { proposalId, approvedBy: APPROVER, approvedAt: new Date().toISOString(), dryRun: o.dryRun ?? false },
    { jobId, attempts: o.attempts ?? 3, backoff: { type: 'exponential', delay: o.backoffMs ?? 50 } },
  );
  return jobId;
}

export interface Finished {
  state: string;
  returnvalue: unknown;
  failedReason: string | undefined;
  /** BullMQ counts the final completion too: 1 = done on the first attempt. */
  attemptsMade: number;
}

export async function waitFinished(ctx: Ctx, jobId: string, timeoutMs = 20_000): Promise<Finished> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await ctx.queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed') {
      // Read the job after its state is final (a job read earlier may predate its result).
      const job = (await ctx.queue.getJob(jobId))!;
      return { state, returnvalue: job.returnvalue, failedReason: job.failedReason, attemptsMade: job.attemptsMade };
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Propose, approve, enqueue and wait. */
export async function remediate(
  ctx: Ctx,
  o: { controlId?: string; controls?: string[]; resource: string; accountId?: string; dryRun?: boolean; attempts?: number },
): Promise<{ proposal: Proposal; finished: Finished; jobId: string }> {
  const proposal = await propose(ctx, o);
  await approve(ctx, proposal.id);
  const jobId = await enqueue(ctx, proposal.id, { dryRun: o.dryRun ?? false, attempts: o.attempts ?? 3 });
  const finished = await waitFinished(ctx, jobId);
  return { proposal, finished, jobId };
}

/** Re-audits the resource: the control's status on a fresh read. */
export async function auditStatus(ctx: Ctx, controlId: string, resource: string, accountId = ACCOUNT): Promise<string> {
  const report = await runAudit(
    { accounts: [accountId], regions: [REGION], controls: [controlId], source: 'sagemaker', resource },
    { config: ctx.config, clientFactory: ctx.services.aws.factory },
  );
  return report.results.find((r) => r.controlId === controlId)?.status ?? 'MISSING';
}

export async function trailOf(ctx: Ctx, proposalId: string): Promise<RecordedTrailEvent[]> {
  return (await ctx.trail.history({ resource: proposalId, limit: 200 })).reverse();
}

/** The thread messages the worker posted for a proposal (progress message and result), oldest first. */
export function threadTexts(ctx: Ctx, proposal: Proposal): string[] {
  return ctx.slack.standin.thread(CHANNEL, proposal.slack.threadTs).map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`);
}

/* ------------------------------------------------------------------------------------------------------------------
 * Seeds (through the stand-in's own Create handlers).
 * ---------------------------------------------------------------------------------------------------------------- */

type At = { accountId?: string; region?: string };
const at = (o: At = {}) => ({ accountId: o.accountId ?? ACCOUNT, region: o.region ?? REGION });

export function seedNotebook(aws: AwsStandin, name: string, o: At & { platform?: string; rootAccess?: 'Enabled' | 'Disabled' } = {}): void {
  const a = at(o);
  aws.invoke(
    'CreateNotebookInstance',
    {
      NotebookInstanceName: name,
      InstanceType: 'ml.t3.medium',
      RoleArn: ROLE_ARN(a.accountId),
      RootAccess: o.rootAccess ?? 'Enabled',
      PlatformIdentifier: o.platform ?? 'notebook-al2023-v1',
      Tags: [{ Key: 'team', Value: 'ml' }],
    },
    a,
  );
}

export const dqDefinition = (name: string, accountId = ACCOUNT): Record<string, unknown> => ({
  JobDefinitionName: name,
  DataQualityAppSpecification: { ImageUri: '123.dkr.ecr.eu-west-1.amazonaws.com/mm:latest', Environment: { MODE: 'strict' } },
  DataQualityBaselineConfig: { ConstraintsResource: { S3Uri: 's3://bucket/constraints.json' } },
  DataQualityJobInput: { EndpointInput: { EndpointName: 'ep-1', LocalPath: '/opt/ml/processing/input' } },
  DataQualityJobOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: 's3://bucket/out', LocalPath: '/opt/ml/processing/output' } }] },
  JobResources: { ClusterConfig: { InstanceCount: 2, InstanceType: 'ml.m5.large', VolumeSizeInGB: 20 } },
  NetworkConfig: { EnableNetworkIsolation: false, EnableInterContainerTrafficEncryption: false, VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1'] } },
  RoleArn: ROLE_ARN(accountId),
  StoppingCondition: { MaxRuntimeInSeconds: 1800 },
  Tags: [
    { Key: 'team', Value: 'ml' },
    { Key: 'env', Value: 'prod' },
  ],
});

/** A data quality definition without isolation, used by `schedules` schedules (named reference). */
export function seedDefinitionWithSchedules(aws: AwsStandin, name: string, schedules: string[], o: At = {}): void {
  const a = at(o);
  aws.invoke('CreateDataQualityJobDefinition', dqDefinition(name, a.accountId), a);
  for (const s of schedules) {
    aws.invoke(
      'CreateMonitoringSchedule',
      {
        MonitoringScheduleName: s,
        MonitoringScheduleConfig: {
          MonitoringJobDefinitionName: name,
          MonitoringType: 'DataQuality',
          ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
        },
      },
      a,
    );
  }
}

/** A schedule with an embedded job definition without network isolation (SageMaker.14). */
export function seedEmbeddedSchedule(aws: AwsStandin, name: string, o: At = {}): void {
  const a = at(o);
  aws.invoke(
    'CreateMonitoringSchedule',
    {
      MonitoringScheduleName: name,
      MonitoringScheduleConfig: {
        ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
        MonitoringType: 'DataQuality',
        MonitoringJobDefinition: {
          MonitoringInputs: [{ EndpointInput: { EndpointName: 'ep-1', LocalPath: '/opt/ml/processing/input' } }],
          MonitoringOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: 's3://bucket/out', LocalPath: '/opt/ml/processing/output' } }] },
          MonitoringResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 20 } },
          MonitoringAppSpecification: { ImageUri: '123.dkr.ecr.eu-west-1.amazonaws.com/mm:latest' },
          RoleArn: ROLE_ARN(a.accountId),
          NetworkConfig: { EnableNetworkIsolation: false, EnableInterContainerTrafficEncryption: true },
        },
      },
    },
    a,
  );
}

export function seedAppImageConfig(aws: AwsStandin, name: string, tags: Record<string, string> = {}, o: At = {}): string {
  const a = at(o);
  const out = aws.invoke(
    'CreateAppImageConfig',
    { AppImageConfigName: name, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
    a,
  );
  return String(out.AppImageConfigArn);
}

/** A model, an endpoint config with InitialInstanceCount 1, and `endpoints` endpoints using it (SageMaker.4). */
export function seedEndpointConfig(aws: AwsStandin, name: string, endpoints: string[], o: At = {}): void {
  const a = at(o);
  aws.invoke('CreateModel', { ModelName: `${name}-model`, PrimaryContainer: { Image: 'img' }, ExecutionRoleArn: ROLE_ARN(a.accountId) }, a);
  aws.invoke(
    'CreateEndpointConfig',
    {
      EndpointConfigName: name,
      ProductionVariants: [{ VariantName: 'main', ModelName: `${name}-model`, InstanceType: 'ml.m5.large', InitialInstanceCount: 1, InitialVariantWeight: 1 }],
      DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 10, DestinationS3Uri: 's3://bucket/capture', CaptureOptions: [{ CaptureMode: 'Input' }] },
      Tags: [{ Key: 'team', Value: 'ml' }],
    },
    a,
  );
  for (const e of endpoints) aws.invoke('CreateEndpoint', { EndpointName: e, EndpointConfigName: name }, a);
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
