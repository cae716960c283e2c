import type { Logger } from 'pino';
import type { RedisClient } from '../util/redis-client.js';

/**
 * Redis outages, told once. While Redis is away every connection (ours, and the ones BullMQ duplicates for queues
 * and workers) fails each retry: logged as they come that is dozens of lines a second. Here an outage is one JSON
 * line when it starts and one when Redis answers again; errors that are not about reaching Redis are logged each
 * time. Listeners registered with `onRecovered` run after each outage (the workers re-create their job schedulers:
 * a Redis that came back empty has lost them).
 */

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
// WRONGPASS / NOAUTH: the server answers but refuses our credentials (a rotated password): to us Redis is away.
const CONNECTION_MESSAGES =
  /Connection is closed|Stream isn't writeable|max retries per request|All sentinels are unreachable|Failed to refresh slots cache|None of startup nodes is available|Socket closed unexpectedly|LOADING Redis is loading|^WRONGPASS|^NOAUTH/i;

/** Whether `err` says Redis could not be reached (as opposed to Redis answering with an error). */
export function isRedisUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; lastNodeError?: unknown };
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  if (e.name === 'MaxRetriesPerRequestError' || e.name === 'ClusterAllFailedError') return true;
  return typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message);
}

export interface RedisAvailability {
  /** Whether every watched connection is connected and ready. */
  up(): boolean;
  /** An error from anything that talks to Redis (a connection, a queue, a worker), named by `source`. */
  report(err: unknown, source: string): void;
  onRecovered(listener: () => void): void;
  /** Stop treating closed connections as an outage (the process is shutting down). */
  stop(): void;
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, ' ').slice(0, 300);
}

export function watchRedis(watched: { name: string; client: RedisClient }[], logger: Logger): RedisAvailability {
  let downSince: number | undefined;
  let stopped = false;
  // Our connections that lost Redis and have not been ready since: the outage ends when none is left (another one
  // finishing its handshake as Redis dies must not read as a recovery).
  const lost = new Set<string>();
  const listeners: (() => void)[] = [];
  const allReady = (): boolean => watched.every(({ client }) => client.status === 'ready');

  const markDown = (err: unknown, source: string): void => {
    if (downSince !== undefined || stopped) return;
    downSince = Date.now();
    logger.warn({ code: 'QUEUE_UNAVAILABLE', source, error: oneLine(err) }, 'Redis is unreachable; retrying until it answers (further connection errors are not logged)');
  };

  // Errors from the queues and workers (and BullMQ's own connections): an outage is declared by our connections only,
  // so a blip on one of BullMQ's connections, or one still handshaking, never reads as an outage and its end.
  const report = (err: unknown, source: string): void => {
    if (!isRedisUnavailable(err)) logger.error({ err, source }, 'Redis error');
    else if (downSince === undefined) logger.debug({ source, error: oneLine(err) }, 'Redis connection error');
  };

  for (const { name, client } of watched) {
    client.on('error', (err: unknown) => {
      if (!isRedisUnavailable(err)) return report(err, name);
      lost.add(name);
      markDown(err, name);
    });
    client.on('ready', () => {
      lost.delete(name);
      if (downSince === undefined || lost.size > 0 || !allReady()) return;
      const downMs = Date.now() - downSince;
      downSince = undefined;
      logger.info({ code: 'QUEUE_AVAILABLE', downMs }, 'Redis is reachable again');
      for (const listener of listeners) listener();
    });
  }

  return {
    up: () => downSince === undefined && allReady(),
    report,
    onRecovered: (listener) => listeners.push(listener),
    stop: () => {
      stopped = true;
    },
  };
}
