// Routing under upstream failure, driven by real simulator servers misbehaving on purpose.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { simulatorServerConfig, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { countTextTokens } from '../../src/metering/delivered-tokens.ts';

let a: SimulatorServer;
let b: SimulatorServer;
let gw: TestGateway;
let client: OpenAI;
const messages = [{ role: 'user' as const, content: 'status?' }];

beforeAll(async () => {
  a = await startSimulatorServer();
  b = await startSimulatorServer();
  const config = simulatorServerConfig([
    { id: 'sim-a', url: a.url, region: 'us-east' },
    { id: 'sim-b', url: b.url, region: 'eu-west' },
  ]);
  (config.providers[0] as Record<string, unknown>).priority = 1;
  (config.providers[1] as Record<string, unknown>).priority = 2;
  config.providers.forEach((p) =>
    Object.assign(p, { timeouts: { connect_ms: 500, first_byte_ms: 300, idle_ms: 300, total_ms: 3000 } }),
  );
  gw = await startTestGateway({
    config: { ...config, routing: { retry: { base_delay_ms: 5, max_delay_ms: 50 }, circuit: { cooldown_ms: 500 } } },
  });
  client = gw.client((await gw.newOrgKey()).key);
});
afterEach(() => {
  a.setFaults({});
  b.setFaults({});
});
afterAll(async () => {
  await gw.close();
  await a.close();
  await b.close();
});

async function runMany(total: number, concurrency: number, stream = false) {
  let ok = 0;
  const served: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      try {
        if (stream) {
          const s = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
          for await (const _ of s) void _;
          ok++;
        } else {
          const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
          const d = response.headers.get('x-conduit-deployment')!;
          served[d] = (served[d] ?? 0) + 1;
          ok++;
        }
      } catch {
        // counted as a failure
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, served };
}

describe('failover', () => {
  it('names the deployment and region that served the request', async () => {
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
    expect(response.headers.get('x-conduit-deployment')).toBe('sim-a');
    expect(response.headers.get('x-conduit-region')).toBe('us-east');
  });

  it('one of two deployments failing 50% of requests: at least 99.9% of 2,000 requests succeed', async () => {
    a.setFaults({ error_rate: 0.5, seed: 42 });
    const { ok, served } = await runMany(2000, 8);
    expect(ok / 2000).toBeGreaterThanOrEqual(0.999);
    // The breaker moved the bulk of the traffic off the failing deployment.
    expect(served['sim-b']!).toBeGreaterThan(served['sim-a'] ?? 0);
    const health = await gw.admin('GET', '/routing/health');
    expect(health.body['sim-a'].failures).toBeGreaterThan(0);
  });

  it('survives a hanging deployment (first-byte timeout) and malformed replies by failing over', async () => {
    a.setFaults({ hang_rate: 1 });
    const hung = await runMany(20, 4);
    expect(hung.ok).toBe(20);
    a.setFaults({ malformed_rate: 1 });
    const garbage = await runMany(20, 4);
    expect(garbage.ok).toBe(20);
  });

  it('a 429 storm everywhere ends in 503 with Retry-After, not a hang', async () => {
    a.setFaults({ rate_limit_rate: 1, retry_after_s: 30 });
    b.setFaults({ rate_limit_rate: 1, retry_after_s: 30 });
    const err = await client.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('30');
  });

  it('a short 429 is waited out and retried', async () => {
    const c = await startSimulatorServer({ faults: { rate_limit_rate: 0.5, retry_after_s: 0, seed: 3 } });
    const one = await startTestGateway({
      config: {
        ...simulatorServerConfig([{ id: 'only', url: c.url }]),
        routing: { retry: { max_attempts: 6, base_delay_ms: 5 } },
      },
    });
    try {
      const k = (await one.newOrgKey()).key;
      let ok = 0;
      for (let i = 0; i < 30; i++)
        if (
          await one
            .client(k)
            .chat.completions.create({ model: 'gpt-4o', messages })
            .then(
              () => true,
              () => false,
            )
        )
          ok++;
      expect(ok).toBe(30);
      expect(c.stats.faults.rate_limit).toBeGreaterThan(5);
    } finally {
      await one.close();
      await c.close();
    }
  });

  it('streams fail over before the first byte, and are never retried after it', async () => {
    a.setFaults({ error_rate: 1 });
    expect((await runMany(10, 2, true)).ok).toBe(10);
    a.setFaults({});
    b.setFaults({});
    a.setFaults({ truncate_rate: 1 });
    const before = b.stats.requests;
    const s = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    await expect(
      (async () => {
        for await (const _ of s) void _;
      })(),
    ).rejects.toThrow();
    expect(b.stats.requests).toBe(before); // nothing was re-sent elsewhere after bytes went out
  });
});

describe('regions', () => {
  it('serves an EU-resident customer only from the EU, and refuses when no allowed region has the model', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'EU Only GmbH', country: 'DE' });
    expect((await gw.admin('PUT', `/orgs/${orgId}/routing`, { residency: ['EU'] })).status).toBe(200);
    const c = gw.client(key);
    for (let i = 0; i < 5; i++) {
      const { response } = await c.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
      expect(response.headers.get('x-conduit-region')).toBe('eu-west');
    }
    await gw.admin('PUT', `/orgs/${orgId}/routing`, { allowed_regions: ['us-east'], residency: ['EU'] });
    const err = await c.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('region_not_allowed');
    const bad = await gw.admin('PUT', `/orgs/${orgId}/routing`, { allowed_regions: ['mars'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('allowed_regions[0]');
  });

  it('a key can be narrower than its organisation', async () => {
    const { orgId, key, keyId } = await gw.newOrgKey({ name: 'Keyed' });
    await gw.admin('PUT', `/orgs/${orgId}/keys/${keyId}/routing`, { allowed_regions: ['eu-west'] });
    const { response } = await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
    expect(response.headers.get('x-conduit-region')).toBe('eu-west');
  });
});

describe('the request deadline', () => {
  // Two deployments that take turns failing over; each attempt may wait 1 s for a first byte, the request 2.5 s in all.
  let slowA: SimulatorServer;
  let slowB: SimulatorServer;
  let timed: TestGateway;
  const totalMs = 2500;
  beforeAll(async () => {
    slowA = await startSimulatorServer({ faults: { hang_rate: 1 } });
    slowB = await startSimulatorServer({ faults: { hang_rate: 1 } });
    const config = simulatorServerConfig([
      { id: 'hang-a', url: slowA.url },
      { id: 'hang-b', url: slowB.url },
    ]);
    config.providers.forEach((p, i) =>
      Object.assign(p, {
        priority: i + 1,
        timeouts: { connect_ms: 500, first_byte_ms: 1000, idle_ms: 1000, total_ms: totalMs },
      }),
    );
    timed = await startTestGateway({
      config: {
        ...config,
        routing: {
          retry: { max_attempts: 4, base_delay_ms: 5, max_delay_ms: 20 },
          circuit: { consecutive_failures: 100 },
        },
      },
    });
    // A cut stream is billed by our tokenizer, whose first load takes seconds: not what these timings are about.
    await countTextTokens('warm');
  });
  afterAll(async () => {
    await timed.close();
    await slowA.close();
    await slowB.close();
  });

  it('bounds the whole request, retries included, not each attempt', async () => {
    const c = timed.client((await timed.newOrgKey()).key);
    const started = performance.now();
    const err = await c.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    // Four attempts of 1 s each used to take 4 s and more.
    expect(elapsed).toBeGreaterThan(totalMs - 100);
    expect(elapsed).toBeLessThan(totalMs + 400);
  });

  it('cuts a stream a retry started when the request runs out of time, as a timeout', async () => {
    // The second deployment answers, slowly: its stream would outlast the request's deadline.
    slowB.setFaults({ token_delay_ms: 50 });
    try {
      const { key } = await timed.newOrgKey();
      const started = performance.now();
      const res = await fetch(`${timed.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o',
          messages,
          stream: true,
          max_tokens: 200,
          simulator_exact_length: true,
        }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-conduit-deployment')).toBe('hang-b');
      const text = await res.text();
      const elapsed = performance.now() - started;
      expect(text).toMatch(/"content"/);
      expect(
        JSON.parse(
          text
            .trim()
            .split('\n\n')
            .at(-1)!
            .replace(/^data: /, ''),
        ).error.code,
      ).toBe('upstream_timeout');
      expect(elapsed).toBeLessThan(totalMs + 400);
    } finally {
      slowB.setFaults({ hang_rate: 1 });
    }
  });
});
