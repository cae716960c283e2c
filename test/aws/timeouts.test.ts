import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { ListNotebookInstancesCommand } from '@aws-sdk/client-sagemaker';
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/engine.js';
import { createAwsClients, createOrganizationsClient, createStsClient, defaultClientFactory, type ClientFactory } from '../../src/aws/clients.js';
import { main } from '../../src/cli/main.js';
import { ConfigError, loadAuditConfig } from '../../src/config.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { ACCOUNT, createNotebook, testConfig, useFakeCredentials } from '../audit/standin-helpers.js';

/** Accepts TCP connections and never answers: the endpoint that used to hang a scan forever. */
async function silentEndpoint(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

useFakeCredentials();
const TIMEOUTS = { connectMs: 1000, requestMs: 300 };
let silent: Awaited<ReturnType<typeof silentEndpoint>>;
let standin: AwsStandin;

beforeAll(async () => {
  silent = await silentEndpoint();
  standin = await startAwsStandin({ transitionDelayMs: 0 });
});
afterAll(async () => {
  await silent.close();
  await standin.close();
});

async function elapsed<T>(fn: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const t0 = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

describe('AWS call timeouts', () => {
  it('AWS_CONNECT_TIMEOUT_MS and AWS_REQUEST_TIMEOUT_MS: defaults, overrides, and a bad value names the variable', () => {
    expect(loadAuditConfig({}).awsTimeouts).toEqual({ connectMs: 5000, requestMs: 30000 });
    expect(loadAuditConfig({ AWS_CONNECT_TIMEOUT_MS: '2000', AWS_REQUEST_TIMEOUT_MS: '90000' }).awsTimeouts).toEqual({ connectMs: 2000, requestMs: 90000 });
    for (const [name, value] of [['AWS_CONNECT_TIMEOUT_MS', 'soon'], ['AWS_REQUEST_TIMEOUT_MS', '0']] as const) {
      let error: unknown;
      try {
        loadAuditConfig({ [name]: value });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join(' ')).toContain(name);
    }
  });

  it('every client the tool builds gives up on a silent endpoint: SageMaker, Security Hub, STS, Organizations, AssumeRole', async () => {
    const o = { region: 'us-east-1', maxAttempts: 2, endpoint: silent.url, timeouts: TIMEOUTS };
    const { sagemaker, securityHub } = createAwsClients(o);
    const sts = createStsClient(o);
    const organizations = createOrganizationsClient(o);
    const assumed = defaultClientFactory({ maxAttempts: 2, endpoint: silent.url, timeouts: TIMEOUTS }).assumeRole('arn:aws:iam::222222222222:role/Auditor', 'us-east-1');
    const calls: Record<string, () => Promise<unknown>> = {
      sagemaker: () => sagemaker.send(new ListNotebookInstancesCommand({})),
      securityHub: () => securityHub.send(new GetFindingsCommand({})),
      sts: () => sts.send(new GetCallerIdentityCommand({})),
      organizations: () => organizations.send(new ListAccountsCommand({})),
      assumeRole: () => assumed(),
    };
    const before = silent.connections();
    const outcomes = await Promise.all(Object.entries(calls).map(async ([what, call]) => ({ what, ...(await elapsed(call)) })));
    for (const { what, ms, error } of outcomes) {
      expect({ what, name: (error as Error | undefined)?.name }).toEqual({ what, name: 'TimeoutError' });
      // Two attempts of 300 ms each, plus a retry delay: far from "forever".
      expect(ms).toBeLessThan(5000);
    }
    expect(silent.connections() - before).toBeGreaterThanOrEqual(2 * outcomes.length); // each call was retried once
    for (const c of [sagemaker, securityHub, sts, organizations]) c.destroy();
  });

  it('a response that stops halfway is cut off too', async () => {
    const sockets = new Set<Socket>();
    const stalling: HttpServer = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '1000' });
      res.write('{"NotebookInstances": [');
    });
    stalling.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const { sagemaker } = createAwsClients({ region: 'us-east-1', maxAttempts: 1, endpoint: `http://127.0.0.1:${(stalling.address() as AddressInfo).port}`, timeouts: TIMEOUTS });
    const outcome = await elapsed(() => sagemaker.send(new ListNotebookInstancesCommand({})));
    expect((outcome.error as Error | undefined)?.name).toBe('TimeoutError');
    expect(outcome.ms).toBeLessThan(5000);
    sagemaker.destroy();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => stalling.close(() => resolve()));
  });

  it('a scan whose SageMaker and Security Hub endpoints never answer ends, with errors naming the service and the operation', async () => {
    createNotebook(standin, ACCOUNT, 'us-east-1', 'nb-1');
    const base = defaultClientFactory({ maxAttempts: 2, endpoint: standin.url, timeouts: TIMEOUTS });
    // STS answers (the caller's account is known); SageMaker and Security Hub are the silent endpoint.
    const factory: ClientFactory = { ...base, aws: (o) => createAwsClients({ ...o, maxAttempts: 2, endpoint: silent.url, timeouts: TIMEOUTS }) };
    const { ms, value: report } = await elapsed(() => runAudit({ regions: ['us-east-1'], controls: ['SageMaker.3'] }, { config: testConfig(), clientFactory: factory }));
    expect(ms).toBeLessThan(10_000);
    expect(report?.errors.map((e) => ({ service: e.service, operation: e.operation, code: e.code }))).toEqual([
      { service: 'sagemaker', operation: 'ListNotebookInstances', code: 'TimeoutError' },
      { service: 'securityhub', operation: 'securityhub:GetFindings', code: 'TimeoutError' },
    ]);
    expect(report?.errors[0]?.message).toMatch(/^no answer within 300 ms, .*\(gave up after 2 attempts\)$/);
  });

  it('the CLI against a silent endpoint: one line naming the service and the operation, exit 2, in bounded time', async () => {
    process.env.AWS_ENDPOINT_URL = silent.url;
    try {
      let stderr = '';
      const { ms, value: code } = await elapsed(() =>
        main(['scan', '--format', 'json'], { AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '2', AWS_REQUEST_TIMEOUT_MS: '300' }, { stdout: () => undefined, stderr: (t) => (stderr += t) }),
      );
      expect(ms).toBeLessThan(10_000);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^error: sts:GetCallerIdentity failed: TimeoutError: no answer within 300 ms, the AWS_REQUEST_TIMEOUT_MS limit \(gave up after 2 attempts\)\n$/);
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
    }
  });

  it('a refused connection names the service, the operation and the address, not ECONNREFUSED alone', async () => {
    const closed = await silentEndpoint();
    await closed.close(); // nothing listens on that port any more
    process.env.AWS_ENDPOINT_URL = closed.url;
    try {
      let stderr = '';
      const code = await main(['scan'], { AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' }, { stdout: () => undefined, stderr: (t) => (stderr += t) });
      expect(code).toBe(2);
      expect(stderr).toBe(`error: sts:GetCallerIdentity failed: ECONNREFUSED: connect ECONNREFUSED ${closed.url.replace('http://', '')}\n`);
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
    }
  });
});
