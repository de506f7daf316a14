// The upstream transport (undici) against real local servers: whole replies, streams read slower than they are
// written (the upstream is paused and resumed), vendor error statuses, the deadlines and client aborts; then raw
// TCP upstreams that misbehave on the wire (issue 21), and https with a private CA.
import { webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import net, { type AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerSchema } from '../config/schema.ts';
import { HttpUpstream } from './http-upstream.ts';
import { UpstreamError } from './types.ts';

let server: Server;
let base: string;
const CHUNKS = 400;
/** Chunks the stream's writer got rid of (into the socket). */
let written = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/v1/json') return res.end(JSON.stringify({ ok: true, big: 'x'.repeat(200_000) }));
    if (req.url === '/v1/limited') {
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: 'slow down' } }));
    }
    if (req.url === '/v1/moved') {
      res.writeHead(302, { location: '/elsewhere' });
      return res.end();
    }
    if (req.url === '/v1/hang') return; // never answers
    if (req.url === '/v1/late-body') {
      res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      return void setTimeout(() => res.end('{"late":true}'), 800);
    }
    if (req.url === '/v1/dribble') {
      res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      // A space every 100 ms for 5 s: never idle, always late.
      let left = 50;
      const timer = setInterval(() => {
        if (--left > 0) return void res.write(' ');
        clearInterval(timer);
        res.end('{}');
      }, 100);
      return void res.once('close', () => clearInterval(timer));
    }
    if (req.url === '/v1/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      // Chunks written as fast as the socket takes them: the reader below is slower.
      const more = () => {
        while (i < CHUNKS) {
          const accepted = res.write(`data: ${i++} ${'y'.repeat(100_000)}\n\n`);
          written = i;
          if (!accepted) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await Promise.all(opened.map((u) => u.destroy()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const opened: HttpUpstream[] = [];
const upstream = (timeouts: Record<string, number> = {}, at = base, maxConnections = 128) => {
  const u = new HttpUpstream(
    providerSchema.parse({
      id: 'local',
      vendor: 'v',
      type: 'openai',
      region: 'r',
      base_url: at,
      models: [{ model: 'm' }],
      timeouts,
      max_connections: maxConnections,
    }),
  );
  opened.push(u);
  return u;
};
const headers = { 'content-type': 'application/json' };
const never = new AbortController().signal;

describe('HttpUpstream', () => {
  it('reads a whole JSON reply', async () => {
    const { value } = await upstream().postJson('/json', headers, '{}', never);
    expect(value.ok).toBe(true);
    expect((value.big as string).length).toBe(200_000);
  });

  it('pauses the upstream while the reader stalls, then delivers every chunk in order', async () => {
    const body = await upstream().postStream('/stream', headers, '{}', never);
    let text = '';
    let first = true;
    for await (const chunk of body) {
      text += chunk.toString();
      if (first) {
        // A client that stalls: the upstream is paused, not read into memory behind its back.
        await new Promise((r) => setTimeout(r, 300));
        expect(written).toBeLessThan(CHUNKS / 2);
        first = false;
      }
    }
    const seen = [...text.matchAll(/data: (\d+) /g)].map((m) => Number(m[1]));
    expect(seen).toEqual(Array.from({ length: CHUNKS }, (_, i) => i));
  });

  it("turns a vendor's 429 into an UpstreamError with its body and Retry-After", async () => {
    const err = (await upstream()
      .postJson('/limited', headers, '{}', never)
      .catch((e: unknown) => e)) as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(7000);
    expect(err.body).toEqual({ error: { message: 'slow down' } });
  });

  it('passes a health check on a 2xx reply only', async () => {
    await expect(upstream().probe('/json', headers, never)).resolves.toBeUndefined();
    const moved = (await upstream()
      .probe('/moved', headers, never)
      .catch((e: unknown) => e)) as UpstreamError;
    expect([moved.kind, moved.status]).toEqual(['status', 302]);
    const limited = (await upstream()
      .probe('/limited', headers, never)
      .catch((e: unknown) => e)) as UpstreamError;
    expect(limited.status).toBe(429);
  });

  it('gives up at the total deadline', async () => {
    const err = (await upstream({ total_ms: 150 })
      .postJson('/hang', headers, '{}', never)
      .catch((e: unknown) => e)) as UpstreamError;
    expect(err.kind).toBe('timeout');
  });

  it('lets a reply whose head came in time take longer than the first-byte deadline', async () => {
    const { value } = await upstream({ first_byte_ms: 300, idle_ms: 2_000, total_ms: 5_000 }).postJson(
      '/late-body',
      headers,
      '{}',
      never,
    );
    expect(value).toEqual({ late: true });
  });

  it('gives up at the total deadline while the body is still coming', async () => {
    const started = performance.now();
    const err = (await upstream({ first_byte_ms: 300, total_ms: 700 })
      .postJson('/dribble', headers, '{}', never)
      .catch((e: unknown) => e)) as UpstreamError;
    expect(err.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('stops when the client goes away', async () => {
    const client = new AbortController();
    setTimeout(() => client.abort(), 50);
    const err = (await upstream()
      .postJson('/hang', headers, '{}', client.signal)
      .catch((e: unknown) => e)) as UpstreamError;
    expect(err.kind).toBe('aborted');
  });
});

// A raw TCP upstream for the replies node:http would never write: what matters is the bytes on the wire.
let raw: net.Server;
let rawBase: string;
const rawSockets = new Set<net.Socket>();
/** Requests each path of the raw upstream received. */
const received = new Map<string, number>();
let rawConnections = 0;

/** Calls `write(i)` every `ms` ms, `times` times at most, until the socket closes. */
function every(socket: net.Socket, ms: number, times: number, write: (i: number) => void): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= times) return clearInterval(timer);
    write(i++);
  }, ms);
  socket.once('close', () => clearInterval(timer));
}

const SMUGGLED = JSON.stringify({ secret: 'SECRET-tenantA' });

/** Answers one request; a promise when later requests on the connection must wait for what it still writes. */
function answerRaw(path: string, socket: net.Socket): Promise<void> | void {
  switch (path) {
    case '/v1/ok':
      return void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
    case '/v1/drop':
      return void socket.destroy(); // took the request, then closed without a byte of a reply
    case '/v1/trickle': {
      const head = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}';
      return every(socket, 200, head.length, (i) => socket.write(head[i]!));
    }
    case '/v1/continue':
      return every(socket, 50, 100, () => socket.write('HTTP/1.1 100 Continue\r\n\r\n'));
    case '/v1/hints':
      return every(socket, 50, 100, () =>
        socket.write('HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n'),
      );
    case '/v1/xchunked':
      // Framed as chunked only to a reader that takes "xchunked" for "chunked"; to llhttp it is read until close.
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: xchunked\r\n\r\n7\r\n{"n":1}\r\n0\r\n\r\n');
      setTimeout(() => socket.end(), 200);
      return new Promise((resolve) =>
        setTimeout(() => {
          socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`);
          resolve();
        }, 60),
      );
  }
}

beforeAll(async () => {
  raw = net.createServer((socket) => {
    rawConnections++;
    rawSockets.add(socket);
    socket.once('close', () => rawSockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    let answered: Promise<void> = Promise.resolve();
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const path = buffered.slice(0, end).split(' ')[1]!;
        buffered = buffered.slice(end + 4 + length);
        received.set(path, (received.get(path) ?? 0) + 1);
        answered = answered.then(() => answerRaw(path, socket));
      }
    });
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  rawBase = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  for (const socket of rawSockets) socket.destroy();
  await new Promise<void>((resolve) => raw.close(() => resolve()));
});

async function failure(call: Promise<unknown>): Promise<{ err: UpstreamError; ms: number }> {
  const started = performance.now();
  const err = (await call.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  )) as UpstreamError;
  expect(err).toBeInstanceOf(UpstreamError);
  return { err, ms: performance.now() - started };
}

describe('HttpUpstream against a misbehaving upstream', () => {
  const FIRST_BYTE_MS = 600;
  const timeouts = { first_byte_ms: FIRST_BYTE_MS, total_ms: 5_000 };

  it('holds the first-byte deadline against a reply head trickled a byte at a time', async () => {
    const { err, ms } = await failure(upstream(timeouts, rawBase).postJson('/trickle', headers, '{}', never));
    expect(err.kind).toBe('timeout');
    expect(ms).toBeLessThan(FIRST_BYTE_MS + 500);
  }, 10_000);

  it('holds the first-byte deadline against endless 1xx replies', async () => {
    const { err, ms } = await failure(upstream(timeouts, rawBase).postJson('/hints', headers, '{}', never));
    expect(err.kind).toBe('timeout');
    expect(ms).toBeLessThan(FIRST_BYTE_MS + 500);
  }, 10_000);

  it('does not wait through endless 100 Continue replies', async () => {
    const { err, ms } = await failure(upstream(timeouts, rawBase).postJson('/continue', headers, '{}', never));
    // undici never sends Expect: 100-continue, so it refuses the first 100 as a malformed reply.
    expect(err.kind).toBe('protocol');
    expect(ms).toBeLessThan(FIRST_BYTE_MS + 500);
  }, 10_000);

  it('never sends a POST twice when its kept-alive connection closes without a reply', async () => {
    const u = upstream(timeouts, rawBase, 1);
    const before = rawConnections;
    await u.postJson('/ok', headers, '{}', never); // the connection is now kept alive
    const { err } = await failure(u.postJson('/drop', headers, '{}', never));
    expect(err.kind).toBe('connect');
    expect(received.get('/v1/drop')).toBe(1);
    // It went out on the kept-alive connection, and no second connection was opened to send it again.
    expect(rawConnections - before).toBe(1);
  });

  it('reads a reply with a transfer-coding other than chunked until close, and never hands its bytes to the next request', async () => {
    const u = upstream(timeouts, rawBase, 1);
    const first = u.postJson('/xchunked', headers, '{}', never).then(
      (reply) => reply.text,
      (err: unknown) => err as UpstreamError,
    );
    // Queued behind the first on the only connection.
    const second = await u.postJson('/ok', headers, '{}', never);
    expect(second.text).toBe('{}');
    const outcome = await first;
    // Its own bytes, read to close, are no JSON reply.
    expect(outcome).toBeInstanceOf(UpstreamError);
    expect((outcome as UpstreamError).kind).toBe('protocol');
  });
});

describe('HttpUpstream over https', () => {
  it('checks the certificate against the CA it is given', async () => {
    const { certPem, keyPem } = await selfSignedCertificate();
    const secure = createHttpsServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('{"secure":true}'));
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    try {
      const at = `https://localhost:${(secure.address() as AddressInfo).port}/v1`;
      const config = providerSchema.parse({
        id: 'tls',
        vendor: 'v',
        type: 'openai',
        region: 'r',
        base_url: at,
        models: [{ model: 'm' }],
      });
      const trusting = new HttpUpstream(config, { ca: certPem });
      const plain = new HttpUpstream(config);
      opened.push(trusting, plain);
      expect((await trusting.postJson('/x', headers, '{}', never)).value).toEqual({ secure: true });
      // Without the CA the certificate is not trusted.
      expect((await failure(plain.postJson('/x', headers, '{}', never))).err.kind).toBe('connect');
    } finally {
      secure.closeAllConnections();
      await new Promise<void>((resolve) => secure.close(() => resolve()));
    }
  });
});

async function selfSignedCertificate(): Promise<{ certPem: string; keyPem: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=localhost',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    certPem: cert.toString('pem'),
    keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`,
  };
}
