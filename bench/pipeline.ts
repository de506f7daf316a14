// `npm run bench:pipeline`: the gateway's own CPU per request, without sockets or other processes: requests
// injected into the HTTP server's request listener (the full pipeline) with the in-process simulator as the upstream, on a
// config like `npm run bench`'s. Steadier than throughput on a shared machine, so it is the figure to watch
// when changing the request path. Prints µs of CPU (user + system) per request, median of 5 rounds.
import type { IncomingMessage, ServerResponse } from 'node:http';
import inject from 'light-my-request';
import { startGateway } from '../src/main.ts';
import { tempDir, writeConfig } from '../test/helpers/gateway.ts';

const N = Number(process.env.BENCH_REQUESTS ?? 3000);
const gw = await startGateway({
  dataDir: tempDir('conduit-bench-pipeline-'),
  configFile: writeConfig({
    regions: [{ id: 'us-east', country: 'US' }],
    vendors: [{ id: 'openai' }],
    providers: [{ id: 'sim', vendor: 'openai', type: 'simulator', region: 'us-east', models: [{ model: 'gpt-4o' }] }],
    models: [{ name: 'gpt-4o', vendor: 'openai' }],
    policy: {
      rules: [{ id: 'no-cn-serving', effect: 'deny', reason: 'no serving from CN', when: { region_country: ['CN'] } }],
    },
    pricing: {
      currency: 'USD',
      versions: [
        {
          effective_from: '2026-01-01',
          vendor_costs: [{ deployment: 'sim', input: '2.50', output: '10.00' }],
          list_prices: [{ model: 'gpt-4o', input: '3.00', output: '12.00' }],
        },
      ],
    },
  }),
  port: 0,
  host: '127.0.0.1',
  adminToken: 'bench',
  logLevel: process.env.CONDUIT_LOG_LEVEL ?? 'info',
});
const admin = async (method: string, path: string, body: unknown) =>
  (
    await gw.app.inject({
      method: method as 'POST',
      url: `/admin/v1${path}`,
      headers: { authorization: 'Bearer bench' },
      payload: body as object,
    })
  ).json() as Record<string, string>;
const org = await admin('POST', '/orgs', { name: 'Bench Org', country: 'US', tier: 'strategic' });
const { key } = await admin('POST', `/orgs/${org.id}/keys`, { name: 'bench' });
await admin('PUT', `/orgs/${org.id}/limits`, {
  budget: { monthly: '100000000', hard: true },
  requests_per_minute: 100_000_000,
  tokens_per_minute: 2_000_000_000,
  concurrent: 10_000,
});

const messages = [{ role: 'user', content: 'Summarise the benefits of connection pooling in two sentences.' }];
const bodies = {
  json: JSON.stringify({ model: 'gpt-4o', messages }),
  stream: JSON.stringify({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } }),
};
// The data plane is served by the HTTP server's own request listener (not Fastify's router): inject into that.
const listener = gw.app.server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
const send = (payload: string) =>
  inject(listener, {
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    payload,
  });

for (const [mode, payload] of Object.entries(bodies)) {
  for (let i = 0; i < 500; i++) await send(payload);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      const res = await send(payload);
      if (res.statusCode !== 200) throw new Error(`${mode}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    const c = process.cpuUsage(c0);
    rounds.push((c.user + c.system) / N);
  }
  rounds.sort((a, b) => a - b);
  console.log(
    `${mode.padEnd(6)} ${rounds[2]!.toFixed(0)} µs CPU per request through the full pipeline (rounds: ${rounds.map((x) => x.toFixed(0)).join(' ')})`,
  );
}
await gw.close();
process.exit(0);
