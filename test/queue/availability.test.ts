import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.js';
import { isRedisUnavailable, watchRedis } from '../../src/queue/availability.js';
import type { RedisClient } from '../../src/util/redis-client.js';

/**
 * The outage state machine, driven event by event in the orders real connections produce (the end-to-end runs on a
 * killed redis-server are in test/ops/): ioredis connections are event emitters with a `status`.
 */
class Connection extends EventEmitter {
  constructor(public status: string) {
    super();
  }
  lose(err: Error): void {
    this.emit('error', err);
    this.status = 'reconnecting';
  }
  ready(): void {
    this.status = 'ready';
    this.emit('ready');
  }
}
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

function watch() {
  const lines: { msg: string; level: number }[] = [];
  const logger = createLogger({ level: 'debug', base: {}, secrets: [] }, { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string; level: number }) });
  const producer = new Connection('ready');
  const worker = new Connection('connect');
  const recovered: number[] = [];
  const w = watchRedis(
    [
      { name: 'producer', client: producer as unknown as RedisClient },
      { name: 'worker', client: worker as unknown as RedisClient },
    ],
    logger,
  );
  w.onRecovered(() => recovered.push(Date.now()));
  const told = () => lines.filter((l) => l.level >= 30).map((l) => l.msg);
  return { w, producer, worker, told, recovered };
}

describe('watchRedis', () => {
  it('one line when Redis is lost, one when every lost connection is ready again; listeners run once', () => {
    const { w, producer, worker, told, recovered } = watch();
    worker.ready();
    expect(w.up()).toBe(true);
    producer.lose(refused());
    worker.lose(refused());
    for (let i = 0; i < 50; i++) producer.emit('error', refused());
    w.report(new Error('Connection is closed.'), 'worker:audit');
    expect(w.up()).toBe(false);
    producer.ready();
    expect(w.up()).toBe(false);
    worker.ready();
    expect(w.up()).toBe(true);
    expect(told()).toEqual(['Redis is unreachable; retrying until it answers (further connection errors are not logged)', 'Redis is reachable again']);
    expect(recovered).toHaveLength(1);
  });

  it('a connection finishing its handshake as Redis dies is not a recovery', () => {
    const { w, producer, worker, told, recovered } = watch();
    // The producer hits EPIPE while its status still reads ready; the worker's handshake answer arrived just before.
    producer.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    worker.ready();
    expect(w.up()).toBe(false);
    expect(told()).toEqual(['Redis is unreachable; retrying until it answers (further connection errors are not logged)']);
    producer.status = 'reconnecting';
    producer.ready();
    expect(told()).toHaveLength(2);
    expect(recovered).toHaveLength(1);
  });

  it("a queue's connection error alone is not an outage; an error that is not about reaching Redis is logged each time", () => {
    const { w, worker, told } = watch();
    worker.ready();
    w.report(new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'queue:digest');
    w.report(new Error('ERR user_script:1: boom'), 'worker:risks');
    w.report(new Error('ERR user_script:1: boom'), 'worker:risks');
    expect(told()).toEqual(['Redis error', 'Redis error']);
    expect(w.up()).toBe(true);
  });

  it('after stop (shutting down) a closed connection is not an outage', () => {
    const { w, producer, told } = watch();
    w.stop();
    producer.lose(refused());
    expect(told()).toEqual([]);
  });

  it('tells reaching Redis from Redis answering with an error', () => {
    for (const e of [refused(), new Error('Connection is closed.'), Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }), new Error('WRONGPASS invalid username-password pair')]) {
      expect(isRedisUnavailable(e), e.message).toBe(true);
    }
    for (const e of [new Error('ERR unknown command'), new Error('NOPERM this user has no permissions'), new Error('OOM command not allowed'), 'ECONNREFUSED', undefined]) {
      expect(isRedisUnavailable(e), String(e)).toBe(false);
    }
  });
});
