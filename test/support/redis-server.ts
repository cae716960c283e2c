import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A `redis-server` of a test's own, on a free port and in its own folder (never the shared one on 6379): tests that
 * kill Redis, restart it, or configure it (append-only file, eviction policy, TLS, ACL users, Sentinel, Cluster) use
 * one of these.
 */
export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:<port> (rediss:// with TLS). */
  url: string;
  dir: string;
  /** The server's own log (what it printed). */
  output(): string;
  /** SIGKILL by default: a crash, not a clean shutdown. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with the same arguments and folder (the append-only file, when on, is replayed). */
  restart(): Promise<void>;
  /** Kills it and removes its folder. */
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. ['--maxmemory-policy', 'allkeys-lru']. */
  args?: string[];
  /** appendonly yes (fsync every second), as the production guide asks. Default false. */
  appendOnly?: boolean;
  /** Serve TLS only, with these PEM files (written in the server's folder). */
  tls?: { cert: string; key: string; ca: string };
  /** Lines of a configuration file (Sentinel needs one it can rewrite). */
  config?: string[];
  /** Start with `--sentinel`. */
  sentinel?: boolean;
  port?: number;
}

/** One PING over a raw socket: any answer (PONG, or NOAUTH when a password is set) proves the server listens. */
function answersPing(port: number, tls: RedisServerOptions['tls']): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls ? tlsConnect({ port, host: '127.0.0.1', ca: tls.ca }) : connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once(tls ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    socket.once('data', (d: Buffer) => done(/^[+-]/.test(d.toString())));
  });
}

async function waitUntilAnswers(port: number, tls: RedisServerOptions['tls'], child: ChildProcess, output: () => string): Promise<void> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output()}`);
    if (await answersPing(port, tls)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on ${port} did not answer: ${output()}`);
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'sagemaker-audit-redis-'));
  const args: string[] = [];
  if (options.config) {
    writeFileSync(join(dir, 'redis.conf'), `${options.config.join('\n')}\n`);
    args.push(join(dir, 'redis.conf'));
  }
  if (options.sentinel) args.push('--sentinel');
  args.push('--bind', '127.0.0.1', '--dir', dir);
  if (!options.sentinel) args.push('--save', '', '--appendonly', options.appendOnly ? 'yes' : 'no');
  if (options.tls) {
    for (const [name, pem] of Object.entries(options.tls)) writeFileSync(join(dir, `${name}.pem`), pem);
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', join(dir, 'cert.pem'), '--tls-key-file', join(dir, 'key.pem'), '--tls-ca-cert-file', join(dir, 'ca.pem'), '--tls-auth-clients', 'no');
  } else {
    args.push('--port', String(port));
  }
  args.push(...(options.args ?? []));

  let child: ChildProcess;
  let log = '';
  const launch = async (): Promise<void> => {
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    // A server that never answers is not left behind.
    await waitUntilAnswers(port, options.tls, child, () => log).catch((err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    });
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  await launch();
  return {
    port,
    url: `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    dir,
    output: () => log,
    kill,
    restart: launch,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
