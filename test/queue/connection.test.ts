import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { evictingPolicy } from '../../src/queue/connection.js';
import { jobIds } from '../../src/queue/jobs.js';
import { QUEUE_NAMES } from '../../src/queue/names.js';
import { newProposalId } from '../../src/remediation/proposals.js';
import { createServices, type Services } from '../../src/services.js';
import { proposal } from '../slack/fixtures.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server.js';

/**
 * The app's connections to every Redis topology it supports, each a real redis-server of this test's own: TLS with a
 * CA file, an ACL user with a password, Sentinel, Cluster. On each: the eviction policy is read, a remediation job is
 * queued and processed by a worker, a proposal goes through its compare-and-set (a multi-key script), the trail and
 * the job schedulers are written.
 */
const servers: RedisServer[] = [];
const cleanups: (() => void)[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const c of cleanups) c();
});

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-connection-test', SLACK_SIGNING_SECRET: 'connection-test-secret' };
const silent = pino({ level: 'silent' });

async function exercise(services: Services): Promise<void> {
  await services.ready();
  expect(await evictingPolicy(services.redis.producer)).toBeUndefined();

  const p = proposal({ id: newProposalId() });
  await services.web.proposals.createOrReuse(p);
  const t = await services.web.proposals.transition(p.id, ['pending'], 'approved', { by: 'U0APPROVER' });
  expect(t.changed).toBe(true);
  expect(await services.web.proposals.approvedNotQueued()).toEqual([p.id]);
  await services.web.trail.record({ type: 'approved', actor: 'U0APPROVER', proposalId: p.id, controlId: 'SageMaker.3', resourceArn: 'arn', resourceName: 'nb', accountId: '111111111111', region: 'us-east-1' });
  expect(await services.web.trail.history({ resource: p.id })).toHaveLength(1);

  expect(await services.producers.enqueueRemediation({ proposalId: p.id, approvedBy: 'U0APPROVER', approvedAt: 'now', dryRun: true })).toBe(true);
  const done = new Promise<string>((resolve) => {
    const worker = new Worker(QUEUE_NAMES.remediation, async (job) => `processed ${job.id}`, { connection: services.redis.worker, prefix: services.config.app.queuePrefix });
    worker.on('completed', (job, value: string) => {
      void worker.close().then(() => resolve(value));
    });
  });
  expect(await done).toBe(`processed ${jobIds.remediation(p.id)}`);
  expect(await services.producers.ensureSchedules({ digest: { channel: 'C1', cron: '0 9 * * *', tz: 'UTC' } })).toBe(true);
  expect((await services.producers.digest.getJobSchedulers()).map((s) => s.key)).toEqual(['daily-digest']);
  await services.producers.remediation.obliterate({ force: true });
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

describe('Redis topologies', () => {
  it('rediss:// with a CA file: the server certificate is verified against it', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sagemaker-audit-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=sagemaker-audit test CA'], dir);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf'], dir);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    const server = await startRedisServer({ tls: { cert: read('server.crt'), key: read('server.key'), ca: read('ca.crt') } });
    servers.push(server);

    const services = createServices(loadConfig({ ...SLACK, REDIS_URL: server.url, REDIS_TLS_CA_FILE: join(dir, 'ca.crt'), QUEUE_PREFIX: 'tls' }), silent);
    try {
      await exercise(services);
    } finally {
      await services.close();
    }

    // Without the CA the certificate is not trusted: the connection never becomes ready.
    const untrusted = createServices(loadConfig({ ...SLACK, REDIS_URL: server.url, QUEUE_PREFIX: 'tls' }), silent);
    try {
      await expect(untrusted.ready(1500)).rejects.toThrow(/is not ready after 1500 ms/);
    } finally {
      await untrusted.close();
    }
    // A CA file that cannot be read is a configuration problem naming the variable.
    expect(() => createServices(loadConfig({ ...SLACK, REDIS_URL: server.url, REDIS_TLS_CA_FILE: join(dir, 'missing.pem') }), silent)).toThrow(
      new ConfigError(['REDIS_TLS_CA_FILE cannot be read (ENOENT)']),
    );
  });

  it('an ACL user and password, from the URL or from REDIS_USERNAME / REDIS_PASSWORD', { timeout: 60_000 }, async () => {
    const server = await startRedisServer({ args: ['--requirepass', 'default-user-password'] });
    servers.push(server);
    const admin = new Redis({ port: server.port, password: 'default-user-password' });
    await admin.acl('SETUSER', 'sagemaker-audit', 'on', '>app p@ss:w/rd', '~*', '&*', '+@all');
    await admin.quit();

    const fromUrl = createServices(loadConfig({ ...SLACK, REDIS_URL: `redis://sagemaker-audit:${encodeURIComponent('app p@ss:w/rd')}@127.0.0.1:${server.port}/0`, QUEUE_PREFIX: 'acl-url' }), silent);
    try {
      await exercise(fromUrl);
    } finally {
      await fromUrl.close();
    }
    const fromVariables = createServices(loadConfig({ ...SLACK, REDIS_URL: `redis://127.0.0.1:${server.port}`, REDIS_USERNAME: 'sagemaker-audit', REDIS_PASSWORD: 'app p@ss:w/rd', QUEUE_PREFIX: 'acl-vars' }), silent);
    try {
      await exercise(fromVariables);
    } finally {
      await fromVariables.close();
    }
  });

  it('Sentinel: the master is found through the sentinels', { timeout: 60_000 }, async () => {
    const master = await startRedisServer();
    servers.push(master);
    const sentinelPort = await freePort();
    const sentinel = await startRedisServer({ sentinel: true, port: sentinelPort, config: [`sentinel monitor primary 127.0.0.1 ${master.port} 1`, 'sentinel down-after-milliseconds primary 5000'] });
    servers.push(sentinel);

    const config = loadConfig({ ...SLACK, REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`, REDIS_SENTINEL_NAME: 'primary', QUEUE_PREFIX: 'sentinel' });
    expect(config.app.redis.sentinel).toEqual({ nodes: [{ host: '127.0.0.1', port: sentinelPort }], name: 'primary', password: undefined });
    const services = createServices(config, silent);
    try {
      await exercise(services);
      // The keys are on the master the sentinel named.
      const direct = new Redis({ port: master.port });
      expect((await direct.keys('sentinel:*')).length).toBeGreaterThan(0);
      await direct.quit();
    } finally {
      await services.close();
    }
  });

  it('Cluster: every key of the app under one hash tag, so multi-key scripts never cross slots', { timeout: 90_000 }, async () => {
    const nodes = await Promise.all(
      [0, 1, 2].map(() => startRedisServer({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'] })),
    );
    servers.push(...nodes);
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    expect(create.status, create.stderr).toBe(0);
    const probe = new Redis({ port: nodes[0]!.port });
    for (let i = 0; i < 100 && !(await probe.cluster('INFO')).includes('cluster_state:ok'); i++) await new Promise((r) => setTimeout(r, 100));
    await probe.quit();

    const env = { ...SLACK, REDIS_CLUSTER_NODES: nodes.map((n) => `127.0.0.1:${n.port}`).join(',') };
    expect(loadConfig(env).app.queuePrefix).toBe('{sagemaker-audit}');
    expect(() => loadConfig({ ...env, QUEUE_PREFIX: 'plain' })).toThrow(/QUEUE_PREFIX must be a hash tag such as \{sagemaker-audit\} with Redis Cluster/);
    const services = createServices(loadConfig({ ...env, QUEUE_PREFIX: '{cluster-test}' }), silent);
    try {
      await exercise(services);
    } finally {
      await services.close();
    }
  });

  it('reads an evicting maxmemory-policy, which the app refuses at start', { timeout: 30_000 }, async () => {
    const server = await startRedisServer({ args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'] });
    servers.push(server);
    const services = createServices(loadConfig({ ...SLACK, REDIS_URL: server.url }), silent);
    try {
      await services.ready();
      expect(await evictingPolicy(services.redis.producer)).toBe('allkeys-lru');
    } finally {
      await services.close();
    }
  });
});
