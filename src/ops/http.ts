import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * The operator's endpoints, on the web side's port (beside POST /slack/events, or Socket Mode's HTTP server) and on a
 * workers-only process's own port:
 *
 * - GET /healthz: liveness. 200 while the process serves HTTP; it never looks at Redis or Slack, so an orchestrator
 *   does not restart every replica during a Redis outage.
 * - GET /readyz: readiness. 200 when every check passes (Redis answers, the workers run where this process runs them,
 *   Slack accepted the bot token at start), else 503; the body names each check's state.
 * - GET /metrics: Prometheus text format.
 */
export interface OpsRoute {
  path: string;
  method: string[];
  handler(req: IncomingMessage, res: ServerResponse): void;
}

/** A readiness check: resolves when ready, rejects with what is wrong. */
export type ReadinessCheck = () => Promise<void>;

/** JSON snapshots of other registries (a workers thread's) to merge into this process's /metrics. */
export type MetricsSource = () => Promise<object[]>;

export interface OpsEndpoints {
  readiness: Record<string, ReadinessCheck>;
  registry: Registry;
  /** Registries of other threads of this process, merged on scrape. */
  more?: MetricsSource;
}

function withTimeout(check: ReadinessCheck, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    check(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Each check's state ('ok' or the reason), and whether all passed. */
export async function readinessReport(checks: Record<string, ReadinessCheck>, timeoutMs = 2000): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const names = Object.keys(checks);
  const results = await Promise.allSettled(names.map((n) => withTimeout(checks[n]!, timeoutMs)));
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    const r = results[i]!;
    out[n] = r.status === 'fulfilled' ? 'ok' : (r.reason instanceof Error ? r.reason.message : String(r.reason)).replace(/\s+/g, ' ').slice(0, 200);
  });
  return { ready: Object.values(out).every((v) => v === 'ok'), checks: out };
}

/** The Prometheus exposition of `registry`, merged with the other threads' snapshots. */
export async function metricsText({ registry, more }: Pick<OpsEndpoints, 'registry' | 'more'>): Promise<string> {
  if (!more) return registry.metrics();
  const others = await more().catch(() => []);
  return AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), ...others]).metrics();
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

export function opsRoutes(endpoints: OpsEndpoints): OpsRoute[] {
  return [
    { path: '/healthz', method: ['GET'], handler: (_req, res) => send(res, 200, 'text/plain', 'ok') },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        void readinessReport(endpoints.readiness).then((report) => send(res, report.ready ? 200 : 503, 'application/json', JSON.stringify(report)));
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        metricsText(endpoints).then(
          (text) => send(res, 200, endpoints.registry.contentType, text),
          (err: unknown) => send(res, 500, 'text/plain', `metrics unavailable: ${err instanceof Error ? err.message : String(err)}`),
        );
      },
    },
  ];
}

/** The routes on their own HTTP server (a workers-only process). Resolves once listening. */
export async function serveOps(routes: OpsRoute[], port: number): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((r) => r.path === path);
    if (!route) return send(res, 404, 'text/plain', 'not found');
    if (!route.method.includes(req.method ?? 'GET')) return send(res, 405, 'text/plain', 'method not allowed');
    route.handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Redis answers a PING on `client` (the fail-fast connection: no waiting through an outage). */
export function redisCheck(client: { ping(): Promise<unknown> }): ReadinessCheck {
  return async () => {
    try {
      await client.ping();
    } catch (err) {
      throw new Error(`Redis unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

/** Slack accepted the bot token at start (`identity` is what auth.test answered). */
export function slackCheck(identity: unknown): ReadinessCheck {
  return async () => {
    if (!identity) throw new Error('the bot token was not checked at start');
  };
}
