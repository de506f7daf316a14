// Issue 21: an upstream reply framed so that a lax reader and llhttp disagree on where it ends must never hand
// one organisation's bytes to another's request. The upstream is raw TCP (the bytes on the wire are the point);
// the deployment has one connection, so a reused connection would carry organisation B's request next.
import net, { type AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

type Misbehaviour = 'xchunked' | 'chunkedchunked' | 'read-to-close';

let upstream: net.Server;
const upstreamSockets = new Set<net.Socket>();
let gw: TestGateway;
let tenantA: OpenAI;
let tenantB: OpenAI;

/** How the next request the upstream receives is answered; every other request is answered normally. */
let armed: { misbehaviour: Misbehaviour; taken: () => void } | undefined;

const SECRET = 'answer for SECRET-tenantA';

function completion(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-raw',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
  });
}

const withLength = (body: string) =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Writes a misbehaving reply; resolves once later replies on the connection may follow. */
async function misbehave(misbehaviour: Misbehaviour, tenant: string, socket: net.Socket): Promise<void> {
  // Time for organisation B's request to queue behind this one on the deployment's only connection.
  await delay(150);
  if (misbehaviour === 'read-to-close') {
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n${completion(`answer for ${tenant}`)}`);
    await delay(30);
    return void socket.end();
  }
  // Looks chunked and complete to a reader that takes any coding ending in "chunked" for chunked...
  socket.write(
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: ${misbehaviour}\r\n\r\n${chunk(completion(`answer for ${tenant}`))}0\r\n\r\n`,
  );
  // ...which would then read these bytes of tenant A's reply, still coming, as the next request's reply.
  await delay(60);
  socket.write(withLength(completion(SECRET)));
  setTimeout(() => socket.end(), 200);
}

function answer(body: string, socket: net.Socket): Promise<void> | void {
  const tenant = String((JSON.parse(body) as { messages: Array<{ content: string }> }).messages[0]!.content);
  const misbehaviour = armed;
  armed = undefined;
  if (!misbehaviour) return void socket.write(withLength(completion(`answer for ${tenant}`)));
  misbehaviour.taken();
  return misbehave(misbehaviour.misbehaviour, tenant, socket);
}

/** Splits a connection's bytes into requests (head, then a Content-Length body) and answers them in order. */
function serve(socket: net.Socket): void {
  upstreamSockets.add(socket);
  socket.once('close', () => upstreamSockets.delete(socket));
  socket.on('error', () => {});
  let buffered = Buffer.alloc(0);
  let answered: Promise<void> = Promise.resolve();
  socket.on('data', (data: Buffer) => {
    buffered = Buffer.concat([buffered, data]);
    for (;;) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/content-length: *(\d+)/i.exec(buffered.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
      buffered = buffered.subarray(end + 4 + length);
      answered = answered.then(() => answer(body, socket));
    }
  });
}

beforeAll(async () => {
  upstream = net.createServer(serve);
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'openai' }],
      providers: [
        {
          id: 'raw',
          vendor: 'openai',
          type: 'openai',
          region: 'us-east',
          base_url: `http://127.0.0.1:${port}/v1`,
          models: [{ model: 'gpt-4o' }],
          max_connections: 1,
          timeouts: { connect_ms: 1000, first_byte_ms: 1500, idle_ms: 1000, total_ms: 5000 },
        },
      ],
      models: [{ name: 'gpt-4o', vendor: 'openai' }],
      // One attempt: each organisation's result is what the transport made of its one reply.
      routing: { retry: { max_attempts: 1 } },
    },
  });
  tenantA = gw.client((await gw.newOrgKey({ name: 'Tenant A' })).key);
  tenantB = gw.client((await gw.newOrgKey({ name: 'Tenant B' })).key);
});
afterAll(async () => {
  await gw.close();
  for (const socket of upstreamSockets) socket.destroy();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const ask = (client: OpenAI, tenant: string) =>
  client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: tenant }] }).then(
    (reply) => ({ content: reply.choices[0]!.message.content ?? '' }),
    (err: unknown) => ({ error: err as InstanceType<typeof OpenAI.APIError> }),
  );

/** Tenant A's request meets `misbehaviour`; tenant B's is queued behind it on the same deployment. */
async function race(misbehaviour: Misbehaviour) {
  const taken = new Promise<void>((resolve) => (armed = { misbehaviour, taken: resolve }));
  const a = ask(tenantA, 'tenant-A');
  await taken;
  const b = ask(tenantB, 'tenant-B');
  return { a: await a, b: await b };
}

describe('upstream framing across tenants', () => {
  for (const coding of ['xchunked', 'chunkedchunked'] as const) {
    it(`never hands the rest of a "transfer-encoding: ${coding}" reply to the next organisation`, async () => {
      const { a, b } = await race(coding);
      expect(b).toEqual({ content: 'answer for tenant-B' });
      // llhttp reads a reply whose last coding is not chunked until the connection closes: tenant A's own bytes,
      // chunk sizes and all, which are no JSON reply.
      expect('error' in a && a.error.status).toBe(502);
    });
  }

  it('reads a reply with neither length nor coding until close, then serves the next request on a new connection', async () => {
    const { a, b } = await race('read-to-close');
    expect(a).toEqual({ content: 'answer for tenant-A' });
    expect(b).toEqual({ content: 'answer for tenant-B' });
  });
});
