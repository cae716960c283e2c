import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Pluggable } from '@smithy/types';
import { DEFAULT_AWS_TIMEOUTS, type AwsTimeouts } from '../config.js';
import { roleArnFor } from './arns.js';
import { isThrottling } from './errors.js';

/** A credentials provider as the SDK takes it (typed from the SDK itself, no extra dependency). */
export type AwsCredentialIdentityProvider = ReturnType<typeof fromTemporaryCredentials>;
type AwsCredentialIdentity = Awaited<ReturnType<AwsCredentialIdentityProvider>>;

/**
 * The only module that constructs AWS SDK clients.
 *
 * - Credentials: the SDK's default chain unless a provider is given (cross-account: `assumeRoleCredentials`).
 * - Endpoints: `endpoint` is passed only when explicitly given. Otherwise the SDK resolves it itself, which includes
 *   AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (SAGEMAKER, SECURITYHUB, STS, ORGANIZATIONS).
 * - Retries: the SDK's standard mode with `maxAttempts` total attempts; throttling is retried by the SDK.
 * - Timeouts: a call that cannot connect, or gets no answer, within `timeouts` fails with TimeoutError and is retried
 *   like any transient error (the SDK has no timeout of its own for most clients: a silent endpoint hung forever).
 */
export interface ClientOptions {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  maxAttempts: number;
  endpoint?: string;
  /** Default: DEFAULT_AWS_TIMEOUTS. */
  timeouts?: AwsTimeouts;
}

export interface AwsClients {
  sagemaker: SageMakerClient;
  securityHub: SecurityHubClient;
}

/** The HTTP handler's options: every client gets its own handler (and sockets) built from these. */
function requestHandler(timeouts: AwsTimeouts = DEFAULT_AWS_TIMEOUTS) {
  return {
    connectionTimeout: timeouts.connectMs,
    requestTimeout: timeouts.requestMs,
    // Without it a passed requestTimeout is only logged as a warning and the call goes on waiting.
    throwOnRequestTimeout: true,
    // A response that stops halfway (after its headers) is not covered by requestTimeout.
    socketTimeout: timeouts.requestMs,
  };
}

function baseConfig(o: ClientOptions) {
  return {
    region: o.region,
    maxAttempts: o.maxAttempts,
    retryMode: 'standard' as const,
    requestHandler: requestHandler(o.timeouts),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
  };
}

export function createAwsClients(o: ClientOptions): AwsClients {
  const config = baseConfig(o);
  return { sagemaker: new SageMakerClient(config), securityHub: new SecurityHubClient(config) };
}

export function createStsClient(o: ClientOptions): STSClient {
  return new STSClient(baseConfig(o));
}

export function createOrganizationsClient(o: ClientOptions): OrganizationsClient {
  return new OrganizationsClient(baseConfig(o));
}

/** SQS holds a long poll open up to 20 s: the answer timeout must outlast it. */
const LONG_POLL_MS = 20_000;

/** The hub's event queue. */
export function createSqsClient(o: ClientOptions): SQSClient {
  const timeouts = o.timeouts ?? DEFAULT_AWS_TIMEOUTS;
  return new SQSClient(baseConfig({ ...o, timeouts: { ...timeouts, requestMs: Math.max(timeouts.requestMs, LONG_POLL_MS + 5000) } }));
}

/** Closes the sockets of clients that are no longer needed. */
export function destroyClients(clients: AwsClients): void {
  clients.sagemaker.destroy();
  clients.securityHub.destroy();
}

export const ROLE_SESSION_NAME = 'sagemaker-audit';

/**
 * What an AssumeRole carries besides the role. The session name is part of the assumed-role ARN CloudTrail shows;
 * the source identity is logged with every call of the session and follows role chaining; the external id is what
 * the role's trust policy may require.
 */
export interface AssumeRoleOptions {
  sessionName?: string;
  sourceIdentity?: string;
  externalId?: string;
  /** Middleware for the STS client that makes the AssumeRole call (metrics). */
  plugins?: ClientPlugin[];
}

/**
 * Credentials for `roleArn`, assumed with `source` (default: the default chain). The result is cached until 5 minutes
 * before it expires, so one AssumeRole serves every region client of the account.
 */
export function assumeRoleCredentials(
  roleArn: string,
  o: { region: string; maxAttempts: number; endpoint?: string; timeouts?: AwsTimeouts; source?: AwsCredentialIdentityProvider } & AssumeRoleOptions,
): AwsCredentialIdentityProvider {
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: roleArn,
      RoleSessionName: o.sessionName ?? ROLE_SESSION_NAME,
      ...(o.sourceIdentity !== undefined ? { SourceIdentity: o.sourceIdentity } : {}),
      ...(o.externalId !== undefined ? { ExternalId: o.externalId } : {}),
    },
    ...(o.source ? { masterCredentials: o.source } : {}),
    clientConfig: {
      region: o.region,
      maxAttempts: o.maxAttempts,
      requestHandler: requestHandler(o.timeouts),
      ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
    },
    clientPlugins: o.plugins ?? [],
  });
  return memoizeCredentials(provider);
}

export function memoizeCredentials(provider: AwsCredentialIdentityProvider, refreshBeforeMs = 5 * 60_000): AwsCredentialIdentityProvider {
  let pending: Promise<AwsCredentialIdentity> | undefined;
  let current: AwsCredentialIdentity | undefined;
  return async () => {
    if (current && (!current.expiration || current.expiration.getTime() - Date.now() > refreshBeforeMs)) return current;
    pending ??= provider().then(
      (c) => {
        current = c;
        pending = undefined;
        return c;
      },
      (err: unknown) => {
        pending = undefined;
        throw err;
      },
    );
    return pending;
  };
}

/** How the engine gets clients; tests and the benchmark pass one with an explicit endpoint. */
export interface ClientFactory {
  aws(o: { region: string; credentials?: AwsCredentialIdentityProvider }): AwsClients;
  sts(o: { region: string; credentials?: AwsCredentialIdentityProvider }): STSClient;
  organizations(o: { region: string; credentials?: AwsCredentialIdentityProvider }): OrganizationsClient;
  /** The hub's event queue (long polls: its answer timeout outlasts a 20 s wait). */
  sqs(o: { region: string; credentials?: AwsCredentialIdentityProvider }): SQSClient;
  /** `options.plugins` also go on the STS client the credentials provider builds for AssumeRole. */
  assumeRole(roleArn: string, region: string, options?: AssumeRoleOptions): AwsCredentialIdentityProvider;
}

/** A middleware plugin for any SDK client. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one plugin for clients of every service
export type ClientPlugin = Pluggable<any, any>;

/** One HTTP attempt of an AWS call (retries are attempts of their own), for metrics. */
export type AwsCallObserver = (call: { service: string; operation: string; outcome: 'ok' | 'throttled' | 'error'; seconds: number }) => void;

/**
 * A plugin that reports every attempt of every call to `observe`. It wraps the deserializer (so it sees the
 * service's error, parsed) inside the retry loop (so each retry of a throttled call counts).
 */
export function callObserverPlugin(observe: AwsCallObserver): ClientPlugin {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          const service = String(context.clientName ?? 'unknown').replace(/Client$/, '').toLowerCase();
          const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
          const started = performance.now();
          const seconds = () => (performance.now() - started) / 1000;
          try {
            const out = await next(args);
            observe({ service, operation, outcome: 'ok', seconds: seconds() });
            return out;
          } catch (err) {
            const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
            observe({ service, operation, outcome: isThrottling(err) || status === 429 ? 'throttled' : 'error', seconds: seconds() });
            throw err;
          }
        },
        { step: 'deserialize', name: 'sagemakerAuditCallObserver', priority: 'high', override: true },
      );
    },
  };
}

/** `inner`'s clients, each reporting its calls to `observe`. */
export function observedClientFactory(inner: ClientFactory, observe: AwsCallObserver): ClientFactory {
  const plugin = callObserverPlugin(observe);
  const use = <C extends { middlewareStack: { use(p: ClientPlugin): void } }>(client: C): C => {
    client.middlewareStack.use(plugin);
    return client;
  };
  return {
    aws(o) {
      const clients = inner.aws(o);
      use(clients.sagemaker);
      use(clients.securityHub);
      return clients;
    },
    sts: (o) => use(inner.sts(o)),
    organizations: (o) => use(inner.organizations(o)),
    sqs: (o) => use(inner.sqs(o)),
    assumeRole: (roleArn, region, options = {}) => inner.assumeRole(roleArn, region, { ...options, plugins: [plugin, ...(options.plugins ?? [])] }),
  };
}

/**
 * Clients with `credentials` (default: the SDK's default chain) as the base: used directly, and as the source of every
 * AssumeRole.
 */
export function defaultClientFactory(opts: { maxAttempts: number; endpoint?: string; timeouts?: AwsTimeouts; credentials?: AwsCredentialIdentityProvider }): ClientFactory {
  const extra = {
    maxAttempts: opts.maxAttempts,
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
    ...(opts.timeouts !== undefined ? { timeouts: opts.timeouts } : {}),
  };
  const base = (o: { region: string; credentials?: AwsCredentialIdentityProvider }) => {
    const credentials = o.credentials ?? opts.credentials;
    return { region: o.region, ...extra, ...(credentials ? { credentials } : {}) };
  };
  return {
    aws: (o) => createAwsClients(base(o)),
    sts: (o) => createStsClient(base(o)),
    organizations: (o) => createOrganizationsClient(base(o)),
    sqs: (o) => createSqsClient(base(o)),
    assumeRole: (roleArn, region, options = {}) => assumeRoleCredentials(roleArn, { region, ...extra, ...(opts.credentials ? { source: opts.credentials } : {}), ...options }),
  };
}

/** SDK clients per account and region, built on first use and reused. */
export interface AccountClients {
  (accountId: string, region: string): AwsClients;
  /** Closes every client built so far. */
  close(): void;
}

/**
 * Clients for each account and region, with `role` (a name or an ARN template) assumed in each account, or the
 * default credentials when no role is configured.
 */
export function accountClients(factory: ClientFactory, role: string | undefined, options: { externalId?: string | undefined } = {}): AccountClients {
  const assume = options.externalId !== undefined ? { externalId: options.externalId } : {};
  const cache = new Map<string, AwsClients>();
  const get = (accountId: string, region: string): AwsClients => {
    const key = `${accountId}/${region}`;
    let clients = cache.get(key);
    if (!clients) {
      clients = factory.aws(role ? { region, credentials: factory.assumeRole(roleArnFor(role, accountId, region), region, assume) } : { region });
      cache.set(key, clients);
    }
    return clients;
  };
  return Object.assign(get, {
    close() {
      for (const c of cache.values()) destroyClients(c);
      cache.clear();
    },
  });
}
