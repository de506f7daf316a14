// Redis unreachable (a TCP proxy in front of the real server, cut or paused; the server itself never stops): the
// configured behaviour holds, is logged once per outage, and the node recovers by itself when Redis is back.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../../test/helpers/cluster.ts';
import { dropClusterKeys, TEST_REDIS_URL, uniqueClusterName } from '../../../test/helpers/redis.ts';
import { GatewayError } from '../../errors.ts';
import { InProcessBudgets } from '../../metering/budgets.ts';
import { RateLimits } from '../../ratelimit/limiter.ts';
import { openRedisCluster, type OnRedisUnavailable, type RedisCluster } from './index.ts';

const name = uniqueClusterName();
const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
afterAll(() => dropClusterKeys(name));

async function nodeBehindProxy(mode: OnRedisUnavailable) {
  const proxy = await TcpProxy.start(TEST_REDIS_URL);
  const log = { warn: [] as string[], info: [] as string[], errors: [] as string[] };
  const cluster: RedisCluster = await openRedisCluster({
    url: proxy.url(TEST_REDIS_URL),
    name,
    onUnavailable: mode,
    local: { limits: new RateLimits(), budgets: new InProcessBudgets(async () => 0n) },
    loadSpent: async () => 0n,
    log: {
      warn: (m) => log.warn.push(m),
      info: (m) => log.info.push(m),
      error: (_err, m) => log.errors.push(m),
    },
  });
  opened.push(cluster, proxy);
  return { proxy, cluster, log };
}

/** Polls `check` every 50 ms for at most `ms`. */
async function within(ms: number, check: () => Promise<boolean> | boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const oneRequest = (scope: string) => [{ scope, requestsPerMinute: 1 }];

describe('Redis unreachable', () => {
  it('fail_open: counts on the node alone, warns once per outage, and shares the counters again once Redis is back', async () => {
    const { proxy, cluster, log } = await nodeBehindProxy('fail_open');
    const scope = `org:open-${name}`;
    expect((await cluster.limits.admit(oneRequest(scope), 0)).ok).toBe(true);
    // Shared: the one request of the minute is spent.
    expect((await cluster.limits.admit(oneRequest(scope), 0)).ok).toBe(false);
    await expect(cluster.readiness.check()).resolves.toBeUndefined();

    proxy.cut();
    const local = `org:local-${name}`;
    const during = await Promise.all(Array.from({ length: 5 }, () => cluster.limits.admit(oneRequest(local), 0)));
    // The node's own counter: one request a minute still holds, on this node.
    expect(during.filter((o) => o.ok)).toHaveLength(1);
    const budget = await cluster.budgets.reserve({ id: 'org:b', limitMicros: 100n, hard: true }, 60n);
    expect(budget.ok).toBe(true);
    expect(log.warn).toHaveLength(1);
    expect(log.warn[0]).toMatch(/Redis unreachable.*fail_open/);
    await expect(cluster.readiness.check()).rejects.toThrow();

    proxy.resume();
    expect(await within(5_000, () => log.info.length === 1)).toBe(true);
    expect(log.info[0]).toMatch(/Redis reachable again/);
    // Shared again: the scope counted in Redis before the outage is still spent.
    expect((await cluster.limits.admit(oneRequest(scope), 0)).ok).toBe(false);
    await expect(cluster.readiness.check()).resolves.toBeUndefined();
    expect(log.warn).toHaveLength(1);

    // A second outage is a second warning.
    proxy.cut();
    await cluster.limits.admit(oneRequest(`org:again-${name}`), 0);
    expect(log.warn).toHaveLength(2);
  });

  it('fail_closed: refuses with a 503 naming the cause, then serves again once Redis is back', async () => {
    const { proxy, cluster } = await nodeBehindProxy('fail_closed');
    expect((await cluster.limits.admit(oneRequest(`org:c1-${name}`), 0)).ok).toBe(true);
    proxy.cut();
    const refusal = await Promise.resolve()
      .then(() => cluster.limits.admit(oneRequest(`org:c2-${name}`), 0))
      .catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(GatewayError);
    const err = refusal as GatewayError;
    expect(err.status).toBe(503);
    expect(err.code).toBe('rate_limiter_unavailable');
    expect(err.toBody().error.message).toMatch(/Redis/);
    await expect(cluster.budgets.reserve({ id: 'org:c', limitMicros: 100n, hard: true }, 1n)).rejects.toMatchObject({
      status: 503,
    });

    proxy.resume();
    expect(
      await within(5_000, async () => {
        try {
          return (await cluster.limits.admit(oneRequest(`org:c3-${name}`), 0)).ok;
        } catch {
          return false;
        }
      }),
    ).toBe(true);
  });

  it('a paused connection (nothing answers) costs a request at most the command timeout, then none', async () => {
    const { proxy, cluster, log } = await nodeBehindProxy('fail_open');
    expect((await cluster.limits.admit(oneRequest(`org:p1-${name}`), 0)).ok).toBe(true);
    proxy.pause();
    const started = performance.now();
    expect((await cluster.limits.admit(oneRequest(`org:p2-${name}`), 0)).ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(log.warn).toHaveLength(1);
    const next = performance.now();
    await cluster.limits.admit(oneRequest(`org:p3-${name}`), 0);
    expect(performance.now() - next).toBeLessThan(50);
    proxy.resume();
    expect(await within(5_000, () => log.info.length === 1)).toBe(true);
  });
});
