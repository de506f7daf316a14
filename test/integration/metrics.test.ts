// GET /metrics: Prometheus series named after the OpenTelemetry GenAI conventions, fed by real requests through
// the official SDK against simulator servers, one of which fails (so that errors, retries and failover show).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { VERSION } from '../../src/version.ts';
import { simulatorServerConfig, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { tokenFor } from '../helpers/principals.ts';

let failing: SimulatorServer;
let healthy: SimulatorServer;
let gw: TestGateway;

beforeAll(async () => {
  failing = await startSimulatorServer({ faults: { error_rate: 1 } });
  healthy = await startSimulatorServer();
  const config = simulatorServerConfig([
    { id: 'sim-failing', url: failing.url, region: 'us-east' },
    { id: 'sim-healthy', url: healthy.url, region: 'eu-west' },
  ]);
  Object.assign(config.providers[0]!, { priority: 1 });
  Object.assign(config.providers[1]!, { priority: 2 });
  gw = await startTestGateway({
    config: {
      ...config,
      routing: {
        retry: { base_delay_ms: 1, max_delay_ms: 5 },
        circuit: { consecutive_failures: 100, min_requests: 100 },
      },
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2026-01-01',
            vendor_costs: [
              { deployment: 'sim-failing', input: '2.50', output: '10.00' },
              { deployment: 'sim-healthy', input: '2.50', output: '10.00' },
            ],
            list_prices: [
              { model: 'gpt-4o', input: '3.00', output: '12.00' },
              { model: 'text-embedding-3-small', input: '0.02', output: '0' },
            ],
          },
        ],
      },
    },
  });
});
afterAll(async () => {
  await gw.close();
  await failing.close();
  await healthy.close();
});

const scrape = async (token?: string) => {
  const res = await fetch(`${gw.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

/** The value of the one series of `name` whose labels include `labels` (test-side reading of the exposition). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => wanted.every((w) => l.includes(w)));
  if (lines.length > 1) throw new Error(`${lines.length} series of ${name} match ${wanted.join(',')}`);
  return lines[0] === undefined ? undefined : Number(lines[0].slice(lines[0].lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  it('needs an admin principal token (any role)', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('not-a-token')).status).toBe(401);
    const viewer = await scrape(await tokenFor(gw, 'prometheus', 'viewer'));
    expect(viewer.status).toBe(200);
    expect(viewer.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(viewer.text, 'conduit_build_info', { version: VERSION })).toBe(1);
    expect(viewer.text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(viewer.text).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('counts requests, latency, tokens, money, time to first token, upstream errors and retries', async () => {
    const { key } = await gw.newOrgKey();
    const client = gw.client(key);
    const messages = [{ role: 'user' as const, content: 'measure me' }];
    let input = 0;
    let output = 0;
    for (let i = 0; i < 3; i++) {
      const res = await client.chat.completions.create({ model: 'gpt-4o', messages });
      input += res.usage!.prompt_tokens;
      output += res.usage!.completion_tokens;
    }
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      input += chunk.usage?.prompt_tokens ?? 0;
      output += chunk.usage?.completion_tokens ?? 0;
    }
    await expect(client.chat.completions.create({ model: 'no-such-model', messages })).rejects.toThrow();

    const { text } = await scrape(await tokenFor(gw, 'prometheus', 'viewer'));
    const served = {
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'openai',
      gen_ai_request_model: 'gpt-4o',
      gen_ai_response_model: 'gpt-4o',
      conduit_deployment: 'sim-healthy',
      conduit_region: 'eu-west',
    };
    expect(
      sample(text, 'gen_ai_server_request_duration_count', {
        ...served,
        http_response_status_code: '200',
        error_type: '',
      }),
    ).toBe(4);
    const sum = sample(text, 'gen_ai_server_request_duration_sum', { ...served, http_response_status_code: '200' })!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(30);
    // The unknown model: refused before any deployment, labelled by its error code (not by the name sent).
    expect(
      sample(text, 'gen_ai_server_request_duration_count', {
        http_response_status_code: '404',
        error_type: 'model_not_found',
        gen_ai_request_model: '',
      }),
    ).toBe(1);
    expect(text).not.toContain('no-such-model');
    expect(sample(text, 'gen_ai_client_token_usage_sum', { ...served, gen_ai_token_type: 'input' })).toBe(input);
    expect(sample(text, 'gen_ai_client_token_usage_sum', { ...served, gen_ai_token_type: 'output' })).toBe(output);
    expect(sample(text, 'gen_ai_client_token_usage_count', { ...served, gen_ai_token_type: 'output' })).toBe(4);
    expect(sample(text, 'gen_ai_server_time_to_first_token_count', served)).toBe(1);
    // Money in micro-units: list 3.00 / 12.00 and cost 2.50 / 10.00 per million tokens are µ$3 / µ$12 per token.
    expect(sample(text, 'conduit_customer_price_micros_total', { ...served, currency: 'USD' })).toBe(
      input * 3 + output * 12,
    );
    expect(sample(text, 'conduit_vendor_cost_micros_total', { ...served, currency: 'USD' })).toBe(
      input * 2.5 + output * 10,
    );
    // Every request tried the failing deployment first: one 500 and one retry each.
    expect(
      sample(text, 'conduit_upstream_errors_total', { conduit_deployment: 'sim-failing', error_type: '500' }),
    ).toBe(4);
    expect(sample(text, 'conduit_upstream_retries_total', { gen_ai_request_model: 'gpt-4o' })).toBe(4);
    expect(
      sample(text, 'gen_ai_client_operation_duration_count', { conduit_deployment: 'sim-failing', error_type: '500' }),
    ).toBe(4);
    expect(
      sample(text, 'gen_ai_client_operation_duration_count', {
        conduit_deployment: 'sim-healthy',
        http_response_status_code: '200',
      }),
    ).toBe(4);
    expect(sample(text, 'conduit_circuit_state', { conduit_deployment: 'sim-failing', state: 'closed' })).toBe(1);
    expect(sample(text, 'conduit_circuit_state', { conduit_deployment: 'sim-failing', state: 'open' })).toBe(0);
    expect(sample(text, 'conduit_queue_depth', { queue: 'usage_outbox' })).toBeGreaterThanOrEqual(0);
  });
});

describe('metrics turned off', () => {
  it('answers 404 at /metrics', async () => {
    const off = await startTestGateway({
      config: {
        ...simulatorServerConfig([{ id: 'sim', url: healthy.url }]),
        observability: { metrics: { enabled: false } },
      },
    });
    try {
      const res = await fetch(`${off.url}/metrics`, { headers: { authorization: `Bearer ${off.adminToken}` } });
      expect(res.status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
