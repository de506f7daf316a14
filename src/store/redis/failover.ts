// What a node does while Redis is unreachable (cluster.on_redis_unavailable): count on its own in-process
// counters (fail_open) or refuse requests with a 503 (fail_closed). The first failure marks Redis down and is
// logged once; while down, no request waits on Redis; a probe finds it back, and the node recovers by itself.
import type { Redis } from 'ioredis';
import { GatewayError } from '../../errors.ts';
import type { BudgetCounter, BudgetScope, Reservation } from '../../metering/budgets.ts';
import type { LimitOutcome, LimitSpec, RateLimiter } from '../../ratelimit/limiter.ts';

export type OnRedisUnavailable = 'fail_open' | 'fail_closed';

export interface ClusterLog {
  warn(message: string): void;
  info(message: string): void;
  error(err: unknown, message: string): void;
}

const PROBE_MS = 500;

export class RedisAvailability {
  private down = false;
  private probe: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    readonly mode: OnRedisUnavailable,
    private readonly log: ClusterLog,
  ) {}

  get usable(): boolean {
    return !this.down;
  }

  /** A command failed: Redis is down until the probe reaches it again (logged once per outage). */
  failed(err: unknown): void {
    if (this.down) return;
    this.down = true;
    const reason = err instanceof Error ? err.message : String(err);
    this.log.warn(
      this.mode === 'fail_open'
        ? `Redis unreachable (${reason}): rate limits and budgets are counted by this node alone until it is back (cluster.on_redis_unavailable: fail_open)`
        : `Redis unreachable (${reason}): requests are refused with 503 until it is back (cluster.on_redis_unavailable: fail_closed)`,
    );
    this.probe = setInterval(() => {
      this.redis.ping().then(
        () => this.recovered(),
        () => {},
      );
    }, PROBE_MS);
    this.probe.unref();
  }

  private recovered(): void {
    if (!this.down) return;
    this.down = false;
    clearInterval(this.probe);
    this.log.info('Redis reachable again: rate limits and budgets are shared by the cluster again');
  }

  /** Refuses (fail_closed) or counts on the node's own counters (fail_open). */
  fallback<T>(local: () => T): T {
    if (this.mode === 'fail_closed')
      throw new GatewayError(
        'rate_limiter_unavailable',
        'Rate limits and budgets cannot be checked right now: the shared counters (Redis) are unreachable, and this gateway refuses requests until they are back. Retry in a few seconds.',
        { headers: { 'retry-after': '1' } },
      );
    return local();
  }

  stop(): void {
    clearInterval(this.probe);
  }
}

export class FailoverRateLimits implements RateLimiter {
  constructor(
    private readonly shared: RateLimiter,
    private readonly local: RateLimiter,
    private readonly availability: RedisAvailability,
  ) {}

  admit(specs: readonly LimitSpec[], estimatedTokens: number): LimitOutcome | Promise<LimitOutcome> {
    const local = () => this.local.admit(specs, estimatedTokens);
    if (!this.availability.usable) return this.availability.fallback(local);
    return Promise.resolve(this.shared.admit(specs, estimatedTokens)).catch((err: unknown) => {
      this.availability.failed(err);
      return this.availability.fallback(local);
    });
  }
}

export class FailoverBudgets implements BudgetCounter {
  constructor(
    private readonly shared: BudgetCounter,
    private readonly local: BudgetCounter,
    private readonly availability: RedisAvailability,
    /** A settlement Redis did not take: its reservation stays held in Redis for the rest of the month. */
    private readonly onSettleError: (err: unknown) => void,
  ) {}

  async reserve(scope: BudgetScope, amount: bigint): Promise<Reservation> {
    const local = () => this.local.reserve(scope, amount);
    if (!this.availability.usable) return this.availability.fallback(local);
    let r: Reservation;
    try {
      r = await this.shared.reserve(scope, amount);
    } catch (err) {
      this.availability.failed(err);
      return this.availability.fallback(local);
    }
    if (!r.ok) return r;
    return {
      ...r,
      settle: async (actual) => {
        try {
          await r.settle(actual);
        } catch (err) {
          this.availability.failed(err);
          this.onSettleError(err);
        }
      },
    };
  }

  async spent(scope: BudgetScope): Promise<bigint> {
    if (!this.availability.usable) return this.local.spent(scope);
    return this.shared.spent(scope).catch((err: unknown) => {
      this.availability.failed(err);
      return this.local.spent(scope);
    });
  }
}
