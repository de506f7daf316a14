// The data plane's HTTP/1.1 framing, tried as an attacker would on raw sockets: every request-smuggling shape
// gets exactly one 4xx and a closed connection (never the request hidden behind it), a request without Host is
// refused, and slow clients hit the configured deadlines.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
let port: number;
let key: string;

beforeAll(async () => {
  gw = await startTestGateway({
    config: {
      ...demoLikeConfig(),
      server: { headers_timeout_ms: 600, request_timeout_ms: 1_200, body_limit_bytes: 64 * 1024 },
    },
  });
  port = Number(new URL(gw.url).port);
  ({ key } = await gw.newOrgKey());
});
afterAll(async () => {
  await gw.close();
});

function demoLikeConfig() {
  return {
    regions: [{ id: 'us-east', country: 'US' }],
    vendors: [{ id: 'openai' }],
    providers: [{ id: 'sim', vendor: 'openai', type: 'simulator', region: 'us-east', models: [{ model: 'gpt-4o' }] }],
    models: [{ name: 'gpt-4o', vendor: 'openai' }],
  };
}

/** A complete, valid chat completion request: what a smuggler hides behind the request the gateway sees. */
function smuggled(): string {
  const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'smuggled' }] });
  return `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Sends `parts` (with `gapMs` between them) on a fresh connection; resolves with all it read and whether the server closed it. */
function exchange(
  parts: Array<string | Buffer>,
  opts: { gapMs?: number; waitMs?: number } = {},
): Promise<{ text: string; closedByServer: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closedByServer = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString('latin1'), closedByServer, ms: Date.now() - started });
    };
    // Bounded: a connection the server keeps open is given up after waitMs.
    const timer = setTimeout(finish, opts.waitMs ?? 1_500);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('end', () => ((closedByServer = true), finish()));
    socket.on('close', finish);
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' ? ((closedByServer = true), finish()) : reject(err),
    );
    socket.once('connect', async () => {
      for (const part of parts) {
        if (socket.destroyed) return;
        socket.write(part);
        if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
    });
  });
}

// Replies follow one another with no separator: a status line is looked for anywhere.
const statusLines = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

/** A POST to the data plane with the given header block (its lines already joined) and body. */
const request = (head: string, body = '') =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${key}\r\n${head}\r\n${body}`;
const chunkedBody = (size: string) => `${size}\r\n${'x'.repeat(0x52)}\r\n0\r\n\r\n`;

describe('data-plane framing', () => {
  const smuggling: Array<[string, () => string]> = [
    [
      'a bare LF folding a Content-Length into the previous field',
      () => request(`X:\nContent-Length: ${Buffer.byteLength(smuggled())}\r\n`) + smuggled(),
    ],
    [
      'a bare CR before Transfer-Encoding (CVE-2023-30589)',
      () => request('X:\rTransfer-Encoding: chunked\r\n') + chunkedBody('52'),
    ],
    [
      'Transfer-Encoding with a leading vertical tab',
      () => request('Transfer-Encoding: \x0bchunked\r\n') + chunkedBody('52'),
    ],
    [
      'Transfer-Encoding with a trailing form feed',
      () => request('Transfer-Encoding: chunked\x0c\r\n') + chunkedBody('52'),
    ],
    [
      'Transfer-Encoding with a trailing no-break space',
      () => request('Transfer-Encoding: chunked\xa0\r\n') + chunkedBody('52'),
    ],
    ['Content-Length with a leading vertical tab', () => request('Content-Length: \x0b82\r\n') + 'x'.repeat(82)],
    [
      'Content-Length beside Transfer-Encoding',
      () => request(`Content-Length: 5\r\nTransfer-Encoding: chunked\r\n`) + '0\r\n\r\n' + smuggled(),
    ],
    [
      'two differing Content-Lengths',
      () => request('Content-Length: 5\r\nContent-Length: 6\r\n') + 'xxxxxx' + smuggled(),
    ],
    [
      'a coding other than chunked last',
      () => request('Transfer-Encoding: chunked, gzip\r\n') + chunkedBody('52') + smuggled(),
    ],
    [
      'an obfuscated coding name (xchunked)',
      () => request('Transfer-Encoding: xchunked\r\n') + chunkedBody('52') + smuggled(),
    ],
    [
      'a chunk size followed by a bare CR',
      () => request('Transfer-Encoding: chunked\r\n') + `52\r\r\n${'x'.repeat(0x52)}\r\n0\r\n\r\n` + smuggled(),
    ],
    [
      'a chunk extension holding a NUL',
      () => request('Transfer-Encoding: chunked\r\n') + `52;a\0b\r\n${'x'.repeat(0x52)}\r\n0\r\n\r\n` + smuggled(),
    ],
    [
      'a trailer field without a colon',
      () =>
        request('Transfer-Encoding: chunked\r\n') +
        `52\r\n${'x'.repeat(0x52)}\r\n0\r\nnot a field\r\n\r\n` +
        smuggled(),
    ],
    [
      'a space before the colon of a field',
      () => request(`Content-Length : ${Buffer.byteLength(smuggled())}\r\n`) + smuggled(),
    ],
    [
      'a folded (obs-fold) field',
      () => request(`X: a\r\n Content-Length: ${Buffer.byteLength(smuggled())}\r\n`) + smuggled(),
    ],
  ];

  for (const [name, build] of smuggling) {
    it(`refuses ${name} with one 4xx and closes the connection`, async () => {
      const { text, closedByServer } = await exchange([build()]);
      const statuses = statusLines(text);
      expect(statuses).toHaveLength(1);
      expect(statuses[0]).toBeGreaterThanOrEqual(400);
      expect(statuses[0]).toBeLessThan(500);
      expect(text).not.toContain('chat.completion');
      expect(closedByServer).toBe(true);
    });
  }

  it('refuses a request without Host with 400 (RFC 9112, 3.2)', async () => {
    const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const { text, closedByServer } = await exchange([
      `POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer ${key}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    ]);
    expect(statusLines(text)).toEqual([400]);
    expect(closedByServer).toBe(true);
  });

  it('serves well-formed pipelined requests in order on one connection, chunked bodies too', async () => {
    const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'one' }] });
    const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const { text } = await exchange([smuggled() + request('Transfer-Encoding: chunked\r\n', chunked) + smuggled()], {
      waitMs: 1_000,
    });
    expect(statusLines(text)).toEqual([200, 200, 200]);
    expect(text.match(/"object":"chat\.completion"/g)).toHaveLength(3);
  });

  it('refuses a body over the limit with 413 before reading it, and closes', async () => {
    const { text, closedByServer } = await exchange(
      [request(`Content-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n`) + '{"model":'],
      { waitMs: 3_000 },
    );
    expect(statusLines(text)).toEqual([413]);
    expect(text).toContain('"code":"request_too_large"');
    expect(closedByServer).toBe(true);
  });

  it('closes a connection whose head trickles in past headers_timeout_ms with 408', async () => {
    const head = request(`Content-Length: 2\r\n`, '{}');
    // One byte every 100 ms: the whole head would take seconds; the deadline is 600 ms.
    const { text, closedByServer, ms } = await exchange([...head.slice(0, 40)], { gapMs: 100, waitMs: 4_000 });
    expect(statusLines(text)).toEqual([408]);
    expect(closedByServer).toBe(true);
    expect(ms).toBeLessThan(2_500);
  });

  it('closes a connection whose body does not arrive whole within request_timeout_ms', async () => {
    const { text, closedByServer, ms } = await exchange([request('Content-Length: 100\r\n', '{"mo')], {
      waitMs: 4_000,
    });
    expect(statusLines(text)).toEqual([408]);
    expect(closedByServer).toBe(true);
    expect(ms).toBeLessThan(3_000);
  });

  it('is reachable in-process through Fastify inject, with the same errors as on the wire', async () => {
    const ok = await gw.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${key}` },
      payload: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().object).toBe('chat.completion');
    expect(ok.headers['x-request-id']).toMatch(/^req_/);
    const bad = await gw.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${key}` },
      payload: '{"model":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_json');
    const anthropic = await gw.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { 'x-api-key': key },
      payload: '{"model":',
    });
    expect(anthropic.statusCode).toBe(400);
    // Anthropic's error shape on Anthropic's surface.
    expect(anthropic.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});
