// Cluster mode's Redis: rate limits and budgets shared by every node, the invalidation bus that carries operator
// changes between them, and a readiness check. Loaded by the composition root only when the configuration
// names a Redis (dynamic import): the embedded default never loads ioredis.
import { Redis, type RedisOptions } from 'ioredis';
import type { BudgetCounter } from '../../metering/budgets.ts';
import type { RateLimiter } from '../../ratelimit/limiter.ts';
import type { InvalidationBus } from '../invalidation.ts';
import type { ReadinessCheck } from '../ports.ts';
import { RedisBudgets } from './budgets.ts';
import {
  FailoverBudgets,
  FailoverRateLimits,
  RedisAvailability,
  type ClusterLog,
  type OnRedisUnavailable,
} from './failover.ts';
import { RedisInvalidationBus } from './invalidation.ts';
import type { PeerChannel } from '../peer-channel.ts';
import { RedisPeerChannel } from './peer-channel.ts';
import { RedisRateLimits } from './rate-limits.ts';
import { counterScripts } from './scripts.ts';

export type { ClusterLog, OnRedisUnavailable } from './failover.ts';

export interface RedisClusterOptions {
  url: string;
  /** The cluster's name: prefixes every key and the bus's channel. */
  name: string;
  onUnavailable: OnRedisUnavailable;
  /** The node's own counters: what fail_open counts on while Redis is unreachable. */
  local: { limits: RateLimiter; budgets: BudgetCounter };
  /** What the ledger holds for a budget scope since the start of a month. */
  loadSpent: (scopeId: string, monthStart: string) => Promise<bigint>;
  log: ClusterLog;
  /** How often every cached copy is reloaded whatever the bus said (default 30 s). */
  safetyNetMs?: number;
}

export interface RedisCluster {
  limits: RateLimiter;
  budgets: BudgetCounter;
  bus: InvalidationBus;
  /** A channel to the other nodes about what this one observed, by topic. */
  peers(topic: string): PeerChannel;
  readiness: ReadinessCheck;
  close(): Promise<void>;
}

/** Reconnect soon and keep trying: a node recovers by itself when Redis is back. */
const retryStrategy = (attempt: number) => Math.min(100 * attempt, 1_000);

/** How long a start waits for Redis before it starts on the configured fallback (the probe takes it up later). */
const START_WAIT_MS = 2_000;

export async function openRedisCluster(options: RedisClusterOptions): Promise<RedisCluster> {
  const common: RedisOptions = { retryStrategy, connectTimeout: 2_000, lazyConnect: false };
  // Counters: a request never queues behind an outage (no offline queue) nor waits long on a silent server; 2 s, as
  // /readyz waits: a loaded node answers slower, and a shorter wait fell back to local counters when Redis was up.
  // The commands of requests admitted or settled in one event-loop turn leave in one write (auto-pipelining): a
  // write each was a node's largest CPU cost in cluster mode.
  const counters = new Redis(options.url, {
    ...common,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    commandTimeout: 2_000,
    maxRetriesPerRequest: 0,
  });
  // The bus: a change published during a short outage goes out when Redis is back.
  const publisher = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
  const subscriber = new Redis(options.url, { ...common, maxRetriesPerRequest: null });

  const availability = new RedisAvailability(counters, options.onUnavailable, options.log);
  // Connection errors surface as failed commands (and mark Redis down there); the events only need a listener.
  for (const connection of [counters, publisher, subscriber]) connection.on('error', () => {});
  let closing = false;
  counters.on('close', () => {
    if (!closing) availability.failed(new Error('connection closed'));
  });

  if (!(await ready(counters, START_WAIT_MS))) availability.failed(new Error(`no answer within ${START_WAIT_MS} ms`));
  const scripts = counterScripts(counters);
  const prefix = options.name;
  const limits = new FailoverRateLimits(
    new RedisRateLimits(scripts, `${prefix}:rl:`, (err) => {
      availability.failed(err);
      options.log.error(err, 'rate limit release did not reach Redis');
    }),
    options.local.limits,
    availability,
  );
  const budgets = new FailoverBudgets(
    new RedisBudgets(scripts, `${prefix}:budget:`, options.loadSpent),
    options.local.budgets,
    availability,
    (err) => options.log.error(err, 'budget settlement did not reach Redis: its reservation holds until it lapses'),
  );
  const bus = new RedisInvalidationBus(
    publisher,
    subscriber,
    prefix,
    (err) => options.log.error(err, 'cluster invalidation bus'),
    options.safetyNetMs,
  );
  bus.start();

  return {
    limits,
    budgets,
    bus,
    peers(topic) {
      const channel = new RedisPeerChannel(publisher, subscriber, `${prefix}:peers:${topic}`, (err) =>
        options.log.error(err, `cluster peer channel ${topic}`),
      );
      channel.start();
      return channel;
    },
    readiness: {
      name: 'redis',
      check: async () => {
        await counters.ping();
      },
    },
    async close() {
      closing = true;
      availability.stop();
      bus.stop();
      // Nothing to flush: counters are written as they change, and a publish still queued is made up for by the
      // other nodes' safety net.
      for (const c of [counters, publisher, subscriber]) c.disconnect();
    },
  };
}

/** Whether the connection is ready, or becomes so within `ms`. */
function ready(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}
