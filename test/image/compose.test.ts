import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { parseDockerfile } from '../support/image.js';
import { freePort } from '../support/ports.js';

/**
 * docker-compose.yml, checked without Docker: its Redis command is run by this machine's redis-server (a port of its
 * own, never the shared one) and must give BullMQ's production settings; the app service runs the image with the
 * health endpoints the app serves, reads .env, and gets more time to stop than the app's shutdown bound.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };

/** Resolves once something accepts connections on `port` (up to 10 s). */
async function listening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

describe('docker-compose.yml', () => {
  it("Redis as BullMQ's production guide asks: noeviction and an append-only file on a volume (run by redis-server here)", async () => {
    const redis = compose.services.redis!;
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(compose.volumes).toHaveProperty('redis-data');
    const [bin, ...args] = redis.command!;
    expect(bin).toBe('redis-server');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'compose-redis-'));
    const server = spawn('redis-server', [...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: 'ignore' });
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    try {
      await listening(port);
      await client.connect();
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
      await client.set('k', 'v');
    } finally {
      client.disconnect();
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    // Redis 7 keeps the append-only files in a folder of their own.
    expect(existsSync(join(dir, 'appendonlydir'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the app: the image, .env, Redis healthy first, health endpoints, and time to stop within its bound', () => {
    const app = compose.services.app!;
    expect(app.build).toBe('.');
    expect(app.env_file).toBe('.env');
    expect(app.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(app.depends_on?.redis?.condition).toBe('service_healthy');
    // No command of its own: the image's CMD (web + workers).
    expect(app.command).toBeUndefined();
    const cmd = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).at(-1)!.instructions.find((i) => i.op === 'CMD')!;
    expect(JSON.parse(cmd.args)).toEqual(['node', 'dist/src/main.js']);
    expect(app.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${app.environment?.PORT}/readyz`);
    const graceSeconds = Number(/^(\d+)s$/.exec(app.stop_grace_period ?? '')?.[1]);
    const bound = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 'secret-secret' }).app.shutdownTimeoutMs / 1000;
    expect(graceSeconds).toBeGreaterThan(bound);
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n')).toContain('.env');
  });
});
