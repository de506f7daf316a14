// Every limit on what a client may send or leave unread, on the wire: each refusal is one OpenAI-shaped error
// naming the limit and the key that sets it, and a client that stops reading a stream is dropped, its buffered
// bytes bounded, and billed as a client that went away.
import { connect } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
let port: number;
let key: string;
let orgId: string;

beforeAll(async () => {
  gw = await startTestGateway({
    config: {
      server: {
        max_header_bytes: 4096,
        max_json_depth: 16,
        max_messages: 8,
        max_tools: 4,
        body_limit_bytes: 64 * 1024,
        headers_timeout_ms: 600,
        request_timeout_ms: 1_200,
        stream_stall_ms: 500,
      },
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'openai' }],
      providers: [
        { id: 'sim', vendor: 'openai', type: 'simulator', region: 'us-east', models: [{ model: 'gpt-4o' }] },
        {
          id: 'sim-long',
          vendor: 'openai',
          type: 'simulator',
          region: 'us-east',
          models: [{ model: 'long-story' }],
          // Long replies (~24 MB streamed): a client that stops reading leaves far more unsent than sockets buffer.
          simulator: { reply_tokens: 100_000 },
        },
      ],
      models: [
        { name: 'gpt-4o', vendor: 'openai' },
        { name: 'long-story', vendor: 'openai' },
      ],
    },
  });
  port = Number(new URL(gw.url).port);
  ({ key, orgId } = await gw.newOrgKey());
});
afterAll(() => gw.close());

const user = (content: string) => ({ role: 'user' as const, content });

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'x-api-key': key, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error?: Record<string, unknown>; type?: string } };
}

/** Sends `text` on a fresh connection; resolves with what came back once the server closes (bounded by waitMs). */
function raw(text: string, waitMs = 3_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString('latin1'), closed });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('end', () => ((closed = true), finish()));
    socket.on('error', () => ((closed = true), finish()));
    socket.once('connect', () => socket.write(text));
  });
}

const errorOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).error;

describe('request limits', () => {
  it('refuses a head over server.max_header_bytes with 431, naming the limit', async () => {
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${key}\r\nX-Padding: ${'p'.repeat(5_000)}\r\nContent-Length: 2\r\n\r\n{}`;
    const { text, closed } = await raw(head);
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    expect(errorOf(text)).toEqual({
      message: "The request's head is larger than the 4096 byte limit (server.max_header_bytes).",
      type: 'invalid_request_error',
      param: null,
      code: 'request_header_fields_too_large',
    });
    expect(closed).toBe(true);
    // Just under the limit is served.
    const ok = await post(
      '/v1/chat/completions',
      { model: 'gpt-4o', messages: [user('hi')] },
      { 'x-pad': 'p'.repeat(3_000) },
    );
    expect(ok.status).toBe(200);
  });

  it('refuses a body over server.body_limit_bytes with 413, naming the limit', async () => {
    const res = await post('/v1/chat/completions', { model: 'gpt-4o', messages: [user('x'.repeat(70_000))] });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'request_too_large' });
    expect(res.body.error!.message).toContain('65536');
  });

  it('refuses JSON nested deeper than server.max_json_depth, on the data plane and the admin API', async () => {
    const deep = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
    for (const path of ['/v1/chat/completions', '/v1/responses', '/v1/messages', '/v1/embeddings']) {
      const res = await post(path, `{"model":"gpt-4o","metadata":${deep(20)}}`);
      expect(res.status, path).toBe(400);
      const error = path === '/v1/messages' ? (res.body as { error: Record<string, unknown> }).error : res.body.error;
      expect(error!.message, path).toBe(
        'The JSON body nests arrays and objects deeper than 16 levels, the limit (server.max_json_depth).',
      );
    }
    const admin = await gw.admin('POST', '/orgs', `{"name":"Deep","country":"DE","x":${deep(20)}}`);
    expect(admin.status).toBe(400);
    expect(admin.body.error.code).toBe('json_too_deep');
    // 16 levels is within the limit.
    const within = await post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [user('hi')],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: JSON.parse(deep(10)) } },
    });
    expect(within.body.error?.code).not.toBe('json_too_deep');
  });

  it('refuses more messages than server.max_messages and more tools than server.max_tools', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => user(`m${i}`));
    const tool = (i: number) => ({ type: 'function', function: { name: `f${i}`, parameters: { type: 'object' } } });
    const cases: Array<[string, unknown, string, string]> = [
      ['/v1/chat/completions', { model: 'gpt-4o', messages: nine }, 'messages', 'too_many_messages'],
      ['/v1/responses', { model: 'gpt-4o', input: nine }, 'input', 'too_many_messages'],
      [
        '/v1/chat/completions',
        { model: 'gpt-4o', messages: [user('hi')], tools: [0, 1, 2, 3, 4].map(tool) },
        'tools',
        'too_many_tools',
      ],
    ];
    for (const [path, body, param, code] of cases) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ param, code });
      expect(res.body.error!.message).toMatch(/server\.max_(messages|tools)/);
    }
    // The Anthropic surface answers in its own format, naming the same limit.
    const anthropic = await post('/v1/messages', { model: 'gpt-4o', max_tokens: 8, messages: nine });
    expect(anthropic.status).toBe(400);
    expect(JSON.stringify(anthropic.body)).toContain('server.max_messages');
    const ok = await post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: nine.slice(1),
      tools: [0, 1, 2, 3].map(tool),
    });
    expect(ok.status).toBe(200);
  });

  it('drops a client whose body trickles in past server.request_timeout_ms with an OpenAI-shaped 408', async () => {
    const { text, closed } = await raw(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${key}\r\nContent-Length: 100\r\n\r\n{"mo`,
    );
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(errorOf(text)).toMatchObject({ code: 'request_timeout', type: 'invalid_request_error' });
    expect(errorOf(text).message).toContain('server.request_timeout_ms');
    expect(closed).toBe(true);
  });

  it('drops a streaming client that stops reading, within server.stream_stall_ms, and bills it as gone', async () => {
    const body = JSON.stringify({ model: 'long-story', stream: true, messages: [user('a long story, please')] });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // Read nothing: the socket buffers fill (a few MB on loopback; the reply is ~24 MB), then the gateway must stop.
    socket.pause();
    const started = Date.now();
    const final = async () =>
      (await gw.store.usage.list(orgId, {})).filter((e) => e.interim === undefined && e.status === 499);
    let events = await final();
    while (events.length === 0 && Date.now() - started < 15_000) {
      await new Promise((r) => setTimeout(r, 100));
      events = await final();
    }
    socket.destroy();
    // Billed as a client that went away (499), for part of the reply only.
    expect(events).toHaveLength(1);
    expect(events[0]!.completion_tokens).toBeLessThan(100_000);
    // The gateway still serves a reading client whole.
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const reply = await client.chat.completions.create({ model: 'gpt-4o', messages: [user('short')], max_tokens: 5 });
    expect(reply.choices[0]!.message.content).toBeTruthy();
  }, 30_000);
});
