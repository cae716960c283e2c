import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-client.js';

// KEYS[1] = the window's key; ARGV[1] = max per window; ARGV[2] = window ms; ARGV[3] = a unique member. A sorted set
// of recent admissions: unlike a fixed window, no stretch of `window` ms ever holds more than `max` (a fixed window
// lets a burst at the end of one second and another at the start of the next through). Uses the Redis clock, so
// processes on different hosts agree. Returns 0 when admitted, else the ms until the oldest admission leaves.
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ms, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - ms)
`;

/** A rate limit shared by every process on the same Redis: at most `max` admissions per key in any `windowMs`. */
export class SlidingWindowLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly max: number,
    private readonly windowMs = 1000,
  ) {}

  /** Takes one slot for `key`: 0 when admitted, else how many ms to wait before asking again. */
  async take(key: string): Promise<number> {
    const member = `${Date.now()}-${randomUUID()}`;
    return Number(await this.redis.eval(SLIDING_WINDOW, 1, `${this.keyPrefix}:${key}`, this.max, this.windowMs, member));
  }
}
