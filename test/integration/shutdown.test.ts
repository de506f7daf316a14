// Shutting down (SIGTERM, a rolling deploy): requests under way finish and are billed, idle connections close at
// once, new connections are refused; what outlasts the grace period is cut.
import { connect } from 'node:net';
import OpenAI from 'openai';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { simulatorServerConfig, startTestGateway, tempDir } from '../helpers/gateway.ts';

let sim: SimulatorServer;
const messages = [{ role: 'user' as const, content: 'status?' }];

beforeAll(async () => {
  sim = await startSimulatorServer();
});
afterAll(async () => {
  await sim.close();
});

/** One connection of its own (undici's Client keeps exactly one), and a promise that it closed. */
function connection(url: string): { client: Client; closed: Promise<void> } {
  const client = new Client(url, { pipelining: 1 });
  return { client, closed: new Promise<void>((resolve) => client.once('disconnect', () => resolve())) };
}

async function post(
  client: Client,
  path: string,
  key: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  const reply = await client.request({
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: reply.statusCode, body: await reply.body.text() };
}

const refused = (port: number) =>
  new Promise<string>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve('connected')));
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });

describe('shutdown', () => {
  it('finishes the requests under way and bills them, closes idle connections at once and refuses new ones', async () => {
    sim.setFaults({ first_byte_ms: 400, token_delay_ms: 15 });
    const dataDir = tempDir();
    const config = simulatorServerConfig([{ id: 'sim', url: sim.url }]);
    const gw = await startTestGateway({ config, dataDir });
    const { orgId, key } = await gw.newOrgKey();
    const port = Number(new URL(gw.url).port);
    const client = gw.client(key);
    // An idle kept-alive connection, after a data-plane request.
    const idle = connection(gw.url);
    expect(
      (await post(idle.client, '/v1/embeddings', key, { model: 'text-embedding-3-small', input: 'x' })).status,
    ).toBe(200);
    // A kept-alive connection that served a request before, with a completion under way.
    const busy = connection(gw.url);
    expect(await busy.client.request({ method: 'GET', path: '/healthz' }).then((r) => r.body.text())).toContain('ok');

    const before = sim.stats.requests;
    const underWay = post(busy.client, '/v1/chat/completions', key, { model: 'gpt-4o', messages });
    const json = client.chat.completions.create({ model: 'gpt-4o', messages });
    const stream = (async () => {
      const s = await client.chat.completions.create({
        model: 'gpt-4o',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let finish: string | null | undefined;
      let completion = 0;
      for await (const chunk of s) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish ??= chunk.choices[0]?.finish_reason;
        completion = chunk.usage?.completion_tokens ?? completion;
      }
      return { text, finish, completion };
    })();
    // All three have reached the upstream: they are under way when the shutdown begins.
    for (let i = 0; i < 200 && sim.stats.requests < before + 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.stats.requests).toBe(before + 3);

    let closed = false;
    const closing = gw.close().then(() => (closed = true));
    await idle.closed;
    expect(closed).toBe(false);
    expect(await refused(port)).toBe('ECONNREFUSED');

    const busyReply = await underWay;
    expect(busyReply.status).toBe(200);
    expect(JSON.parse(busyReply.body).choices[0].finish_reason).toBe('stop');
    const reply = await json;
    expect(reply.choices[0]!.finish_reason).toBe('stop');
    const streamed = await stream;
    // Each connection closes once its reply is done, and then the gateway has stopped.
    await busy.closed;
    await closing;
    // Whole: the simulator's reply to this prompt, to its last token, as it gives it when asked directly.
    sim.setFaults({});
    const direct = await new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sim', maxRetries: 0 }).chat.completions.create(
      { model: 'gpt-4o', messages },
    );
    expect(streamed).toEqual({
      text: direct.choices[0]!.message.content,
      finish: 'stop',
      completion: direct.usage!.completion_tokens,
    });

    // Every one was recorded: the embedding and the three completions.
    const again = await startTestGateway({ config, dataDir });
    try {
      const usage = await again.admin('GET', `/orgs/${orgId}/usage`);
      expect(usage.body).toMatchObject({ requests: 4, completion_tokens: 3 * direct.usage!.completion_tokens });
    } finally {
      await again.close();
    }
  });

  it('cuts what is still under way when the grace period runs out', async () => {
    sim.setFaults({ hang_rate: 1 });
    const config = { ...simulatorServerConfig([{ id: 'sim', url: sim.url }]), server: { shutdown_grace_ms: 300 } };
    const dataDir = tempDir();
    const gw = await startTestGateway({ config, dataDir });
    const { orgId, key } = await gw.newOrgKey();
    const client = gw.client(key);
    const before = sim.stats.requests;
    const hanging = client.chat.completions.create({ model: 'gpt-4o', messages }).then(
      () => 'answered',
      (err: Error) => err.constructor.name,
    );
    for (let i = 0; i < 200 && sim.stats.requests === before; i++) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await gw.close();
    const took = Date.now() - started;
    expect(await hanging).toBe('APIConnectionError');
    // The grace, not the upstream's 1.5 s first-byte timeout, ended it.
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(1400);
    sim.setFaults({});
    // Recorded all the same, as a request whose client went away.
    const again = await startTestGateway({ config, dataDir });
    try {
      expect((await again.admin('GET', `/orgs/${orgId}/usage`)).body).toMatchObject({ requests: 1 });
    } finally {
      await again.close();
    }
  });
});
