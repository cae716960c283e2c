import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { ConfigError, type RedisSettings } from '../config.js';
import type { RedisClient } from '../util/redis-client.js';

/**
 * Redis connections from the configuration: standalone (redis:// or rediss:// with an optional CA file), Sentinel or
 * Cluster, with an ACL user and password from the URL or their own variables.
 *
 * Producers fail fast (the Slack 3-second ack must not hang on a Redis outage); workers and blocking readers retry
 * forever, as BullMQ requires (`maxRetriesPerRequest: null`); a one-shot client (the CLI) connects once when asked
 * (`connect()`), within a few seconds, or not at all.
 */
export type RedisRole = 'producer' | 'worker' | 'one-shot';

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false },
  worker: { maxRetriesPerRequest: null },
  'one-shot': { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 3000, retryStrategy: () => null },
};

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError([`REDIS_TLS_CA_FILE cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
}

/** Everything but the address: credentials, database, TLS. */
function serverOptions(settings: RedisSettings): RedisOptions {
  const url = new URL(settings.url);
  const username = settings.username ?? (decodeURIComponent(url.username) || undefined);
  const password = settings.password ?? (decodeURIComponent(url.password) || undefined);
  const tls: TlsOptions | undefined = url.protocol === 'rediss:' ? (settings.tlsCaFile ? { ca: readCa(settings.tlsCaFile) } : {}) : undefined;
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    ...(tls ? { tls } : {}),
  };
}

export function createRedis(settings: RedisSettings, role: RedisRole): RedisClient {
  const options = { ...serverOptions(settings), ...ROLE_OPTIONS[role] };
  if (settings.cluster) {
    // Cluster has no databases; the offline queue is a Cluster option, the rest applies to each node's connection.
    const { db: _db, enableOfflineQueue, ...node } = options;
    return new Cluster(settings.cluster.nodes, { enableOfflineQueue: enableOfflineQueue ?? true, lazyConnect: options.lazyConnect ?? false, redisOptions: node });
  }
  if (settings.sentinel) {
    const { nodes, name, password } = settings.sentinel;
    return new Redis({
      ...options,
      sentinels: nodes,
      name,
      ...(password !== undefined ? { sentinelPassword: password } : {}),
      ...(options.tls ? { enableTLSForSentinelMode: true, sentinelTLS: options.tls } : {}),
    });
  }
  const url = new URL(settings.url);
  return new Redis({ ...options, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 6379 });
}

/** The URL without its password, for messages. */
export function describeRedis(settings: RedisSettings): string {
  if (settings.cluster) return `Redis Cluster (${settings.cluster.nodes.map((n) => `${n.host}:${n.port}`).join(', ')})`;
  if (settings.sentinel) return `Redis master "${settings.sentinel.name}" via Sentinel (${settings.sentinel.nodes.map((n) => `${n.host}:${n.port}`).join(', ')})`;
  const url = new URL(settings.url);
  return `${url.protocol}//${url.host}${url.pathname.length > 1 ? url.pathname : ''}`;
}

/**
 * The eviction policy of each Redis server behind the connection that is not `noeviction`, if any. BullMQ's keys
 * (jobs, locks, schedulers) and the app's (approvals, accepted risks) must never be evicted: an evicted lock runs a
 * fix twice, an evicted approval is lost. Read from INFO (CONFIG is often disabled on managed Redis).
 */
export async function evictingPolicy(client: RedisClient): Promise<string | undefined> {
  const servers: Redis[] = client instanceof Cluster ? client.nodes('master') : [client];
  for (const server of servers) {
    const policy = /^maxmemory_policy:(\S+)/m.exec(await server.info('memory'))?.[1];
    if (policy !== undefined && policy !== 'noeviction') return policy;
  }
  return undefined;
}
