// Part of the composition root: the rate limits, budgets and invalidation bus the configuration selects. The
// embedded default counts in process and has nobody to tell; a cluster with a Redis shares them through it
// (loaded by dynamic import, so the default never loads ioredis).
import type { ConduitConfig } from './config/schema.ts';
import { InProcessBudgets, type BudgetCounter } from './metering/budgets.ts';
import { RateLimits, type RateLimiter } from './ratelimit/limiter.ts';
import { LOCAL_BUS, PeriodicReload } from './store/invalidation.ts';
import type { InvalidationBus } from './store/invalidation.ts';
import type { PeerChannel } from './store/peer-channel.ts';
import type { ReadinessCheck } from './store/ports.ts';
import type { ClusterLog } from './store/redis/index.ts';

/** Without a bus, how old a node's copy of what an operator changed can get. */
const CACHE_TTL_MS = 30_000;

export interface Counters {
  limits: RateLimiter;
  budgets: BudgetCounter;
  bus: InvalidationBus;
  /** Channels to the other nodes about what this one observed; absent: no peers to hear it (one process, or no Redis). */
  peers?: (topic: string) => PeerChannel;
  readiness?: ReadinessCheck;
  close(): Promise<void>;
}

export async function openCounters(
  config: Readonly<ConduitConfig>,
  /** What the ledger holds for a budget scope ("org:<org>" or "key:<org>:<key>") since the start of a month. */
  loadSpent: (scopeId: string, monthStart: string) => Promise<bigint>,
  log: ClusterLog,
): Promise<Counters> {
  const local = { limits: new RateLimits(), budgets: new InProcessBudgets(loadSpent) };
  const cluster = config.cluster;
  if (!cluster?.redis_url) {
    if (cluster)
      log.warn(
        'cluster.redis_url is not set: each node counts rate limits and budgets alone, its distillation detector sees only its own traffic, and operator changes made through one node reach the others only as their caches expire (30 s)',
      );
    if (!cluster) return { ...local, bus: LOCAL_BUS, close: async () => {} };
    const bus = new PeriodicReload(CACHE_TTL_MS, (err) => log.error(err, 'reloading a cache failed'));
    return { ...local, bus, close: async () => bus.stop() };
  }
  const { openRedisCluster } = await import('./store/redis/index.ts');
  return openRedisCluster({
    url: cluster.redis_url,
    name: cluster.name,
    onUnavailable: cluster.on_redis_unavailable,
    local,
    loadSpent,
    log,
  });
}

/** The cluster's log before the server's logger exists (a start with Redis down warns at once), then that logger. */
export class LateLog implements ClusterLog {
  private target: ClusterLog = {
    warn: (message) => console.warn(message),
    info: (message) => console.info(message),
    error: (err, message) => console.error(message, err),
  };

  use(logger: { warn(msg: string): void; info(msg: string): void; error(obj: object, msg: string): void }): void {
    this.target = {
      warn: (message) => logger.warn(message),
      info: (message) => logger.info(message),
      error: (err, message) => logger.error({ err }, message),
    };
  }

  warn(message: string): void {
    this.target.warn(message);
  }

  info(message: string): void {
    this.target.info(message);
  }

  error(err: unknown, message: string): void {
    this.target.error(err, message);
  }
}
