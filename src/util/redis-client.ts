import type { Cluster, Redis } from 'ioredis';

/** A connection the stores and queues accept: one Redis server (standalone or found through Sentinel) or a Cluster. */
export type RedisClient = Redis | Cluster;
