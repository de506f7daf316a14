// Two gateway nodes sharing Redis, as a customer sees them through the official SDK: one rate limit and one
// budget for both, a revocation on one refused by the other within a second, and Redis cut off behind a proxy
// (the real server never stops) handled as cluster.on_redis_unavailable says, until it is back.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterTestConfig, createTestCluster, REDIS_URL, TcpProxy, type TestCluster } from '../helpers/cluster.ts';
import { dropClusterKeys } from '../helpers/redis.ts';
import type { TestGateway } from '../helpers/gateway.ts';

/** gpt-4o priced as the demo prices it, so that budgets have something to count. */
const priced = clusterTestConfig({
  pricing: {
    currency: 'USD',
    versions: [
      {
        effective_from: '2026-01-01',
        vendor_costs: [{ deployment: 'sim-us', model: 'gpt-4o', input: '2.50', output: '10.00' }],
        list_prices: [{ model: 'gpt-4o', input: '3.00', output: '12.00' }],
      },
    ],
  },
});
const msg = [{ role: 'user' as const, content: 'price me' }];
const ask = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4o', messages: msg, max_tokens: 64 });
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { status?: number; code?: string }) => e.code ?? String(e.status),
  );

let cluster: TestCluster;
let a: TestGateway;
let b: TestGateway;
const proxies: TcpProxy[] = [];
beforeAll(async () => {
  cluster = await createTestCluster({ redis: true });
  [a, b] = await Promise.all([cluster.startNode({ config: priced }), cluster.startNode({ config: priced })]);
});
afterAll(async () => {
  await cluster?.close();
  await Promise.all(proxies.map((p) => p.close()));
  if (cluster) await dropClusterKeys(cluster.name);
});

describe('two nodes sharing Redis', () => {
  it('share one rate limit: four requests a minute over both nodes, the fifth refused on either', async () => {
    const { orgId, key } = await a.newOrgKey({ tier: 'verified' });
    expect((await a.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 4 })).status).toBe(200);
    const [onA, onB] = [a.client(key, { maxRetries: 0 }), b.client(key, { maxRetries: 0 })];
    const results = [];
    for (const client of [onA, onB, onA, onB, onA, onB]) results.push(await outcome(ask(client)));
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'rate_limit_exceeded', 'rate_limit_exceeded']);
  });

  it('200 concurrent requests over both nodes overshoot a nearly spent budget by at most one reservation per node', async () => {
    const { orgId, key } = await a.newOrgKey({ tier: 'verified' });
    await a.admin('PUT', `/orgs/${orgId}/limits`, { budget: { monthly: '0.02', hard: true } });
    const [onA, onB] = [a.client(key, { maxRetries: 0 }), b.client(key, { maxRetries: 0 })];
    const spentSoFar = async () => {
      const rows = (await a.admin('GET', `/ledger?org_id=${orgId}`)).body.data as Array<{ price_micros: number }>;
      return BigInt(rows[0]?.price_micros ?? 0);
    };
    // Spend most of the 20,000 micro-units first (about 500 a request), on both nodes.
    for (let i = 0; i < 60 && (await spentSoFar()) < 15_000n; i++) await ask(i % 2 ? onA : onB);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => outcome(ask(i % 2 ? onA : onB))));
    let final = 0n;
    // The ledger takes the last events as they are written: wait until it settles.
    for (let i = 0; i < 50; i++) {
      const now = await spentSoFar();
      if (now === final && i > 0) break;
      final = now;
      await new Promise((r) => setTimeout(r, 100));
    }
    // One reservation: the prompt estimate plus 64 completion tokens at list price, under 1,000 micro-units.
    const reservation = 1_000n;
    const overshoot = final > 20_000n ? final - 20_000n : 0n;
    console.log(
      `budget overshoot over two nodes: ${overshoot} micro-units over 20,000 (${results.filter((r) => r === 'ok').length} of 200 served)`,
    );
    expect(results.filter((r) => r === 'ok').length).toBeGreaterThan(0);
    expect(results.filter((r) => r === 'budget_exceeded').length).toBeGreaterThan(0);
    expect(results.every((r) => r === 'ok' || r === 'budget_exceeded')).toBe(true);
    expect(final).toBeLessThanOrEqual(20_000n + 2n * reservation);
  });

  it('a key revoked through node A is refused by node B within one second', async () => {
    const { key, keyId, orgId } = await a.newOrgKey();
    const onB = b.client(key, { maxRetries: 0 });
    await ask(onB); // B holds the key in its cache.
    expect((await a.admin('DELETE', `/orgs/${orgId}/keys/${keyId}`)).status).toBe(200);
    const revoked = performance.now();
    let refusedAfter: number | undefined;
    while (performance.now() - revoked < 2_000) {
      if ((await outcome(ask(onB))) === 'invalid_api_key') {
        refusedAfter = performance.now() - revoked;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    console.log(`key revoked on A refused by B after ${refusedAfter?.toFixed(0)} ms`);
    expect(refusedAfter).toBeLessThan(1_000);
  });
});

describe('Redis unreachable (a proxy cut between the node and Redis)', () => {
  const nodeBehindProxy = async (mode: 'fail_open' | 'fail_closed') => {
    const proxy = await TcpProxy.start(REDIS_URL);
    proxies.push(proxy);
    const node = await cluster.startNode({
      config: priced,
      cluster: { redis_url: proxy.url(REDIS_URL), on_redis_unavailable: mode },
    });
    return { proxy, node };
  };
  const ready = async (node: TestGateway) => {
    const res = await fetch(`${node.url}/readyz`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
  };
  const within = async (ms: number, check: () => Promise<boolean>) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };

  it('fail_closed: 503 with an OpenAI-style error and /readyz naming Redis, then serves again once it is back', async () => {
    const { proxy, node } = await nodeBehindProxy('fail_closed');
    const { key } = await node.newOrgKey();
    const client = node.client(key, { maxRetries: 0 });
    expect(await outcome(ask(client))).toBe('ok');
    proxy.cut();
    const err = (await ask(client).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(503);
    expect(err.error).toMatchObject({ code: 'rate_limiter_unavailable', type: 'api_error', param: null });
    expect((err.error as { message: string }).message).toMatch(/Redis/);
    const notReady = await ready(node);
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.redis).not.toBe('ok');

    proxy.resume();
    expect(await within(5_000, async () => (await outcome(ask(client))) === 'ok')).toBe(true);
    expect((await ready(node)).status).toBe(200);
  });

  it('fail_open: serves on the node’s own counters while Redis is cut, and shares them again once it is back', async () => {
    const { proxy, node } = await nodeBehindProxy('fail_open');
    const { orgId, key } = await node.newOrgKey({ tier: 'verified' });
    await node.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 2 });
    const client = node.client(key, { maxRetries: 0 });
    const onA = a.client(key, { maxRetries: 0 });
    expect(await outcome(ask(client))).toBe('ok');
    proxy.cut();
    // The node's own window: its two requests of the minute, then refusals; nothing waits on Redis.
    const during = [await outcome(ask(client)), await outcome(ask(client)), await outcome(ask(client))];
    expect(during).toEqual(['ok', 'ok', 'rate_limit_exceeded']);
    proxy.resume();
    expect(await within(5_000, async () => (await ready(node)).status === 200)).toBe(true);
    // Shared again: Redis counted one request of this minute (before the cut); node A sees the same window.
    expect(await outcome(ask(onA))).toBe('ok');
    expect(await outcome(ask(client))).toBe('rate_limit_exceeded');
  });
});
