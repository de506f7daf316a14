// The data-plane server in front of a real node:http server, over raw TCP where the bytes on the wire matter:
// keep-alive, pipelining, the hand-off to node:http, 100-continue, limits, timeouts, streams and clients that go.
import { Agent, createServer, request, type Server } from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseParser, type ResponseHeaders } from '../../providers/http1/response-parser.ts';
import type { Http1Handler } from './connection.ts';
import type { ServerReply } from './reply.ts';
import { DataPlaneServer } from './server.ts';

const closers: Array<() => void> = [];
/** The data-plane server start() made last. */
let dataPlane: DataPlaneServer;
afterEach(() => closers.splice(0).forEach((close) => close()));

interface Reply {
  status: number;
  headers: ResponseHeaders;
  body: string;
}

/** A node:http server answering `node <METHOD> <url>`, with the data-plane server serving POST /own and /stream. */
async function start(opts: { streamMs?: number; bodyLimit?: number; keepAliveMs?: number; requestTimeoutMs?: number; onReply?: (reply: ServerReply) => void } = {}) {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(`node ${req.method} ${req.url}`));
  });
  const handler: Http1Handler = {
    accepts: (head) => head.method === 'POST' && (head.url === '/own' || head.url === '/stream'),
    bodyLimit: opts.bodyLimit ?? 1024,
    handle(request, reply) {
      opts.onReply?.(reply);
      if (request.url === '/stream') {
        reply.writeHead(200, { 'content-type': 'text/event-stream' });
        reply.write('data: 1\n\n');
        setTimeout(() => (reply.write('data: é\n\n'), reply.end('data: [DONE]\n\n')), opts.streamMs ?? 20);
        return;
      }
      const text = `own ${request.body.toString()} ${request.headers['x-n'] ?? ''}`;
      reply.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
      reply.end(text);
    },
    reject(_head, err, reply) {
      reply.writeHead(err.status, { 'content-length': Buffer.byteLength(err.message) });
      reply.end(err.message);
    },
  };
  dataPlane = new DataPlaneServer(server, handler, { keepAliveMs: opts.keepAliveMs ?? 10_000, requestTimeoutMs: opts.requestTimeoutMs ?? 10_000 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  closers.push(() => server.closeAllConnections());
  return (server.address() as net.AddressInfo).port;
}

/** A raw client connection: write bytes, read whole replies (parsed as the upstream client parses them). */
async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  closers.push(() => socket.destroy());
  const replies: Reply[] = [];
  const waiting: Array<() => void> = [];
  let current: Reply | undefined;
  const parser = new ResponseParser({
    onHead: (status, headers) => (current = { status, headers, body: '' }),
    onBody: (chunk) => (current!.body += chunk.toString()),
    onComplete: () => {
      replies.push(current!);
      parser.reset();
      waiting.splice(0).forEach((w) => w());
    },
  });
  let raw = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    raw += chunk.toString('latin1');
    let rest = chunk;
    while (rest.length > 0) {
      const used = parser.execute(rest);
      rest = rest.subarray(used);
    }
  });
  socket.on('close', () => {
    closed = true;
    try {
      parser.finish();
    } catch {
      // a reply cut short stays unfinished
    }
    waiting.splice(0).forEach((w) => w());
  });
  return {
    socket,
    get raw() {
      return raw;
    },
    get closed() {
      return closed;
    },
    /** Resolves once `n` replies in all have arrived (or the connection closed). */
    async replies(n: number): Promise<Reply[]> {
      while (replies.length < n && !closed) await new Promise<void>((resolve) => waiting.push(resolve));
      return replies.slice(0, n);
    },
    async closedSoon(ms = 2000): Promise<boolean> {
      for (const start = Date.now(); !closed && Date.now() - start < ms; ) await new Promise((r) => setTimeout(r, 10));
      return closed;
    },
  };
}

const post = (url: string, body: string, extra = '') => `POST ${url} HTTP/1.1\r\nhost: t\r\n${extra}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('DataPlaneServer', () => {
  it('serves its own requests on a kept-alive connection and hands the connection to node:http at the first that is not', async () => {
    const client = await connect(await start());
    client.socket.write(post('/own', 'a', 'x-n: 1\r\n'));
    client.socket.write(post('/own', 'b', 'x-n: 2\r\n'));
    let replies = await client.replies(2);
    expect(replies.map((r) => r.body)).toEqual(['own a 1', 'own b 2']);
    expect(replies[0]!.headers.get('date')).toMatch(/GMT$/);
    // From here on the connection is node:http's, the data plane's own paths included.
    client.socket.write('GET /v1/models HTTP/1.1\r\nhost: t\r\n\r\n');
    client.socket.write(post('/own', 'c'));
    replies = await client.replies(4);
    expect(replies.slice(2).map((r) => r.body)).toEqual(['node GET /v1/models', 'node POST /own']);
    expect(client.closed).toBe(false);
  });

  it('answers pipelined requests in order, the hand-off among them, from a single write', async () => {
    const client = await connect(await start());
    client.socket.write(post('/own', 'one') + post('/own', 'two') + 'GET /x HTTP/1.1\r\nhost: t\r\n\r\n' + post('/own', 'three'));
    const replies = await client.replies(4);
    expect(replies.map((r) => r.body)).toEqual(['own one ', 'own two ', 'node GET /x', 'node POST /own']);
  });

  it('hands over a first request that arrived in pieces, bytes and all', async () => {
    const client = await connect(await start());
    client.socket.write('GET /v1/mo');
    await new Promise((r) => setTimeout(r, 30));
    client.socket.write('dels?a=1 HTTP/1.1\r\nhost: t\r\n\r\n');
    expect((await client.replies(1))[0]!.body).toBe('node GET /v1/models?a=1');
  });

  it('says 100 Continue to a client that waits for it, then reads the body', async () => {
    const client = await connect(await start());
    client.socket.write('POST /own HTTP/1.1\r\nhost: t\r\nexpect: 100-continue\r\ncontent-length: 4\r\n\r\n');
    for (let i = 0; i < 100 && !client.raw.includes('100 Continue'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(client.raw).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    client.socket.write('body');
    expect((await client.replies(1))[0]!.body).toBe('own body ');
  });

  it('reads a chunked request body', async () => {
    const client = await connect(await start());
    client.socket.write('POST /own HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n');
    await new Promise((r) => setTimeout(r, 20));
    client.socket.write('2\r\nde\r\n0\r\n\r\n');
    expect((await client.replies(1))[0]!.body).toBe('own abcde ');
  });

  it('refuses a body over the limit with 413, before reading it when its length is declared, and closes', async () => {
    const port = await start({ bodyLimit: 10 });
    const declared = await connect(port);
    declared.socket.write('POST /own HTTP/1.1\r\nhost: t\r\ncontent-length: 11\r\n\r\n');
    const [reply] = await declared.replies(1);
    expect(reply!.status).toBe(413);
    expect(reply!.headers.get('connection')).toBe('close');
    expect(await declared.closedSoon()).toBe(true);

    const chunked = await connect(port);
    chunked.socket.write('POST /own HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n');
    expect((await chunked.replies(1))[0]!.status).toBe(413);
    expect(await chunked.closedSoon()).toBe(true);
  });

  it('answers a malformed or ambiguous request with 400 and closes the connection, whatever follows', async () => {
    const client = await connect(await start());
    client.socket.write('POST /own HTTP/1.1\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n' + post('/own', 'smuggled'));
    const replies = await client.replies(2);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.status).toBe(400);
    expect(replies[0]!.body).toMatch(/both content-length and transfer-encoding/);
    expect(client.closed).toBe(true);
  });

  it('streams a reply in chunked coding that node:http clients read, and keeps the connection', async () => {
    const port = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    closers.push(() => agent.destroy());
    const get = (path: string) =>
      new Promise<{ body: string; port: number | undefined; encoding: string | undefined }>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', method: 'POST', path, agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ body, port: req.socket?.localPort, encoding: res.headers['transfer-encoding'] }));
        });
        req.on('error', reject);
        req.end('x');
      });
    const first = await get('/stream');
    expect(first.body).toBe('data: 1\n\ndata: é\n\ndata: [DONE]\n\n');
    expect(first.encoding).toBe('chunked');
    const second = await get('/own');
    expect(second.body).toBe('own x ');
    expect(second.port).toBe(first.port);
  });

  it('ends an HTTP/1.0 reply of unknown length by closing the connection', async () => {
    const client = await connect(await start());
    client.socket.write('POST /stream HTTP/1.0\r\ncontent-length: 0\r\n\r\n');
    expect(await client.closedSoon()).toBe(true);
    expect(client.raw).toMatch(/connection: close\r\n/);
    expect(client.raw).not.toMatch(/transfer-encoding/);
    expect(client.raw.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('tells a reply whose client went away, so the work behind it can stop', async () => {
    let reply: ServerReply | undefined;
    const client = await connect(await start({ onReply: (r) => (reply = r) }));
    client.socket.write(post('/stream', ''));
    for (let i = 0; i < 100 && !reply; i++) await new Promise((r) => setTimeout(r, 5));
    const closed = new Promise<boolean>((resolve) => reply!.once('close', () => resolve(reply!.writableFinished)));
    client.socket.destroy();
    expect(await closed).toBe(false);
    expect(reply!.destroyed).toBe(true);
  });

  it('drains for a shutdown: idle connections close at once, the others after the reply under way, never serving another', async () => {
    const port = await start({ streamMs: 300 });
    const idle = await connect(port);
    idle.socket.write(post('/own', 'a'));
    await idle.replies(1);
    const arriving = await connect(port);
    arriving.socket.write('POST /own HTTP/1.1\r\nhost: t\r\ncontent-length: 4\r\n\r\nha');
    // A stream under way (it ends 300 ms after it began), a request pipelined behind it.
    const streaming = await connect(port);
    streaming.socket.write('POST /stream HTTP/1.1\r\nhost: t\r\ncontent-length: 0\r\n\r\n' + post('/own', 'pipelined'));
    await new Promise((r) => setTimeout(r, 20));
    dataPlane.drain();
    expect(await idle.closedSoon()).toBe(true);
    arriving.socket.write('lf');
    const [half] = await arriving.replies(1);
    expect(half).toMatchObject({ status: 200, body: 'own half ' });
    expect(half!.headers.get('connection')).toBe('close');
    expect(await arriving.closedSoon()).toBe(true);
    const [stream, ...rest] = await streaming.replies(2);
    expect(stream!.body).toBe('data: 1\n\ndata: é\n\ndata: [DONE]\n\n');
    expect(rest).toEqual([]);
    expect(streaming.closed).toBe(true);
  });

  it('closes a connection whose request does not arrive whole in time, with 408, and one idle past its keep-alive', async () => {
    const port = await start({ requestTimeoutMs: 150, keepAliveMs: 300 });
    const slow = await connect(port);
    slow.socket.write('POST /own HTTP/1.1\r\ncontent-length: 5\r\n\r\nab');
    const [reply] = await slow.replies(1);
    expect(reply!.status).toBe(408);
    expect(await slow.closedSoon()).toBe(true);

    const idle = await connect(port);
    idle.socket.write(post('/own', 'a'));
    await idle.replies(1);
    const started = Date.now();
    expect(await idle.closedSoon(3000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});
