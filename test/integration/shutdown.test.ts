// Shutting down (SIGTERM, a rolling deploy): requests under way finish and are billed, idle connections close at
// once, new connections are refused; what outlasts the grace period is cut.
import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseParser } from '../../src/providers/http1/response-parser.ts';
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

/** One request on a raw connection; resolves with its reply, read by the upstream client's parser. */
function exchange(socket: Socket, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const body: Buffer[] = [];
    const parser = new ResponseParser({
      onHead: (s) => (status = s),
      onBody: (chunk) => body.push(chunk),
      onComplete: () => {
        socket.off('data', onData);
        resolve({ status, body: Buffer.concat(body).toString() });
      },
    });
    const onData = (chunk: Buffer) => parser.execute(chunk);
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(request);
  });
}

const post = (path: string, key: string, body: unknown) => {
  const text = JSON.stringify(body);
  return `POST ${path} HTTP/1.1\r\nhost: gw\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
};

async function opened(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, closed: new Promise<void>((resolve) => socket.once('close', () => resolve())) };
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
    // Connections of its own, so that the SDK's requests are the first on them (the data plane's own server).
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0, fetch: undiciFetch as unknown as typeof fetch, fetchOptions: { dispatcher: new Agent() } as object });
    // An idle kept-alive connection, after a data-plane request.
    const idle = await opened(port);
    expect((await exchange(idle.socket, post('/v1/embeddings', key, { model: 'text-embedding-3-small', input: 'x' }))).status).toBe(200);
    // A connection handed to node:http (its first request was not a data-plane call), with a completion under way.
    const handedOff = await opened(port);
    expect((await exchange(handedOff.socket, 'GET /healthz HTTP/1.1\r\nhost: gw\r\n\r\n')).status).toBe(200);

    const before = sim.stats.requests;
    const viaNode = exchange(handedOff.socket, post('/v1/chat/completions', key, { model: 'gpt-4o', messages }));
    const json = client.chat.completions.create({ model: 'gpt-4o', messages });
    const stream = (async () => {
      const s = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } });
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

    const nodeReply = await viaNode;
    expect(nodeReply.status).toBe(200);
    expect(JSON.parse(nodeReply.body).choices[0].finish_reason).toBe('stop');
    const reply = await json;
    expect(reply.choices[0]!.finish_reason).toBe('stop');
    const streamed = await stream;
    // Each connection closes once its reply is done, and then the gateway has stopped.
    await handedOff.closed;
    await closing;
    // Whole: the simulator's reply to this prompt, to its last token, as it gives it when asked directly.
    sim.setFaults({});
    const direct = await new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sim', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages });
    expect(streamed).toEqual({ text: direct.choices[0]!.message.content, finish: 'stop', completion: direct.usage!.completion_tokens });

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
