// The HTTP/1.1 pool against real local servers, raw TCP where the bytes on the wire matter: connections kept
// alive and reused, the connection limit, servers that close, stall or answer garbage, and https.
import { webcrypto } from 'node:crypto';
import { createServer as createHttps } from 'node:https';
import net from 'node:net';
import * as x509 from '@peculiar/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Pool, TransportError, type PoolOptions, type ResponseHandler } from './pool.ts';
import { ResponseHeaders } from './response-parser.ts';

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A TCP server whose `answer` sees each request's text and the socket; it counts the connections made. */
async function rawServer(answer: (request: string, socket: net.Socket) => void) {
  const stats = { connections: 0, open: 0, maxOpen: 0 };
  const server = net.createServer((socket) => {
    stats.connections++;
    stats.maxOpen = Math.max(stats.maxOpen, ++stats.open);
    socket.on('close', () => stats.open--);
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = buffered.slice(0, end + 4 + length);
        buffered = buffered.slice(request.length);
        answer(request, socket);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return { url: new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`), stats };
}

const options: PoolOptions = { connections: 4, keepAliveMs: 30_000, connectTimeoutMs: 1_000, headersTimeoutMs: 2_000, bodyTimeoutMs: 2_000 };

function pool(url: URL, extra: Partial<PoolOptions> = {}) {
  const p = new Http1Pool(url, { ...options, ...extra });
  closers.push(() => void p.destroy());
  return p;
}

/** One request's outcome: status, headers and body, or the error. */
function request(p: Http1Pool, path = '/', body: string | undefined = '{}', headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: ResponseHeaders; body: string }>((resolve, reject) => {
    let status = 0;
    let head = new ResponseHeaders('');
    const chunks: Buffer[] = [];
    const handler: ResponseHandler = {
      onHead: (s, h) => ((status = s), (head = h)),
      onData: (c) => void chunks.push(c),
      onEnd: () => resolve({ status, headers: head, body: Buffer.concat(chunks).toString() }),
      onError: reject,
    };
    p.dispatch({ method: body === undefined ? 'GET' : 'POST', path, headers, body }, handler);
  });
}

const reply = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('Http1Pool', () => {
  it('writes the request as given and reuses one kept-alive connection for requests in turn', async () => {
    const seen: string[] = [];
    const { url, stats } = await rawServer((req, socket) => {
      seen.push(req);
      socket.write(reply(`echo ${seen.length}`));
    });
    const p = pool(url);
    for (let i = 1; i <= 5; i++) expect((await request(p, '/v1/chat', '{"a":"é"}', { authorization: 'Bearer k' })).body).toBe(`echo ${i}`);
    expect(stats.connections).toBe(1);
    // The server reads bytes as latin1: the body went out as UTF-8, its length counted in bytes.
    expect(seen[0]).toBe(Buffer.from(`POST /v1/chat HTTP/1.1\r\nhost: ${url.host}\r\nauthorization: Bearer k\r\ncontent-length: 10\r\n\r\n{"a":"é"}`).toString('latin1'));
  });

  it('opens no more connections than allowed; requests beyond wait their turn', async () => {
    const { url, stats } = await rawServer((_req, socket) => void setTimeout(() => socket.write(reply('ok')), 20));
    const p = pool(url, { connections: 2 });
    const replies = await Promise.all(Array.from({ length: 9 }, () => request(p)));
    expect(replies.every((r) => r.body === 'ok')).toBe(true);
    expect(stats.maxOpen).toBe(2);
  });

  it('opens a new connection when the server closed the last one, after a reply or while idle', async () => {
    let n = 0;
    const { url, stats } = await rawServer((_req, socket) => {
      n++;
      if (n === 1) return void socket.end(reply('closing', 'connection: close\r\n'));
      socket.write(reply('kept'));
      if (n === 2) setTimeout(() => socket.destroy(), 20); // the server drops an idle connection
    });
    const p = pool(url);
    expect((await request(p)).body).toBe('closing');
    expect((await request(p)).body).toBe('kept');
    await new Promise((r) => setTimeout(r, 80));
    expect((await request(p)).body).toBe('kept');
    expect(stats.connections).toBe(3);
  });

  it('sends a request again, once, when a kept-alive connection closes under it before any reply', async () => {
    let n = 0;
    const { url, stats } = await rawServer((_req, socket) => {
      n++;
      // The second request arrives as the server drops the connection (an idle timeout racing the reuse).
      if (n === 2) return void socket.destroy();
      socket.write(reply(`answer ${n}`));
    });
    const p = pool(url, { connections: 1 });
    expect((await request(p)).body).toBe('answer 1');
    expect((await request(p)).body).toBe('answer 3');
    expect(stats.connections).toBe(2);

    // A server that answers once and then drops every request: one more try on a new connection, and a new
    // connection's failure is the upstream's.
    let answered = false;
    const { url: flaky, stats: flakyStats } = await rawServer((_req, socket) => {
      if (answered) return void socket.destroy();
      answered = true;
      socket.write(reply('first'));
    });
    const q = pool(flaky, { connections: 1 });
    await request(q);
    const err = (await request(q).catch((e: unknown) => e)) as TransportError;
    expect([err.code, err.message]).toEqual(['CLOSED', 'connection closed before a response']);
    expect(flakyStats.connections).toBe(2);
  });

  it("drops an idle connection before the server's announced keep-alive timeout", async () => {
    const { url, stats } = await rawServer((_req, socket) => socket.write(reply('ok', 'keep-alive: timeout=1\r\n')));
    const p = pool(url);
    await request(p);
    await request(p);
    // timeout=1 less the safety margin leaves nothing: each request gets a fresh connection.
    expect(stats.connections).toBe(2);
  });

  it('fails with the phase that failed: connecting, waiting for the head, between body chunks, cut short, garbage', async () => {
    const closed = await rawServer(() => {});
    const port = Number(closed.url.port);
    closers.shift()!(); // nothing listens there any more
    await new Promise((r) => setTimeout(r, 20));
    const code = (e: unknown) => (e as TransportError).code;
    expect(code(await request(pool(new URL(`http://127.0.0.1:${port}`))).catch((e: unknown) => e))).toBe('CONNECT_FAILED');

    const silent = await rawServer(() => {});
    expect(code(await request(pool(silent.url, { headersTimeoutMs: 100 })).catch((e: unknown) => e))).toBe('HEADERS_TIMEOUT');

    const stalls = await rawServer((_req, socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'));
    expect(code(await request(pool(stalls.url, { bodyTimeoutMs: 100 })).catch((e: unknown) => e))).toBe('BODY_TIMEOUT');

    const cuts = await rawServer((_req, socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'));
    const cut = (await request(pool(cuts.url)).catch((e: unknown) => e)) as TransportError;
    expect([cut.code, cut.message]).toEqual(['CLOSED', 'connection closed mid-response']);

    const garbage = await rawServer((_req, socket) => socket.write('SSH-2.0-OpenSSH\r\n\r\n'));
    expect(code(await request(pool(garbage.url)).catch((e: unknown) => e))).toBe('PROTOCOL');
  });

  it('aborts a request waiting for a connection and one under way', async () => {
    const { url } = await rawServer(() => {});
    const p = pool(url, { connections: 1 });
    const errors: Error[] = [];
    const handler: ResponseHandler = { onHead: () => {}, onData: () => {}, onEnd: () => errors.push(new Error('ended')), onError: (e) => errors.push(e) };
    const active = p.dispatch({ method: 'GET', path: '/', headers: {} }, handler);
    const waiting = p.dispatch({ method: 'GET', path: '/', headers: {} }, handler);
    waiting.abort(new Error('client left (waiting)'));
    active.abort(new Error('client left (active)'));
    active.abort(new Error('twice'));
    expect(errors.map((e) => e.message)).toEqual(['client left (waiting)', 'client left (active)']);
  });

  it('hands a connection on unpaused when a reply ended while its reader had paused it', async () => {
    const chunked = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${'3\r\nabc\r\n'.repeat(70)}0\r\n\r\n`;
    const { url, stats } = await rawServer((_req, socket) => socket.write(chunked));
    const p = pool(url, { connections: 1, headersTimeoutMs: 1_000 });
    const first = new Promise<void>((resolve, reject) => {
      const call = p.dispatch({ method: 'GET', path: '/', headers: {} }, { onHead: () => {}, onData: () => call.pause(), onEnd: resolve, onError: reject });
    });
    const second = request(p, '/', undefined);
    await first;
    expect((await second).body).toBe('abc'.repeat(70));
    expect(stats.connections).toBe(1);
  });

  it('refuses a header that would break the request apart', async () => {
    const { url } = await rawServer(() => {});
    expect(() => pool(url).dispatch({ method: 'GET', path: '/', headers: { 'x-a': 'ok\r\nx-injected: 1' } }, {} as ResponseHandler)).toThrow(TransportError);
    expect(() => pool(url).dispatch({ method: 'GET', path: '/a HTTP/1.1\r\nx-injected: 1', headers: {} }, {} as ResponseHandler)).toThrow('cannot be sent');
  });

  it('talks https, checking the certificate against the CA it is given', async () => {
    const { certPem, keyPem } = await selfSignedCertificate();
    const server = createHttps({ cert: certPem, key: keyPem }, (_req, res) => res.end('secure'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const url = new URL(`https://localhost:${(server.address() as net.AddressInfo).port}`);
    expect((await request(pool(url, { tls: { ca: certPem } }), '/', undefined)).body).toBe('secure');
    // Without the CA the certificate is not trusted.
    expect(((await request(pool(url), '/', undefined).catch((e: unknown) => e)) as TransportError).code).toBe('CONNECT_FAILED');
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
  return { certPem: cert.toString('pem'), keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n` };
}
