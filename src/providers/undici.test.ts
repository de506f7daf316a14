// The pool loaded from undici's own module throws the error classes loaded beside it: what toUpstreamError tells
// a timeout or a malformed reply by.
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { toUpstreamError } from './transport-errors.ts';
import { Pool } from './undici.ts';

const never = { aborted: false } as Parameters<typeof toUpstreamError>[2];
// A server that sends what a test wants on each connection: nothing, or bytes that are not HTTP.
let reply = '';
const server = createTcpServer((socket) => {
  socket.on('error', () => undefined);
  if (reply) socket.end(reply);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => server.close());

function failure(): Promise<unknown> {
  const pool = new Pool(origin, { headersTimeout: 150 });
  return new Promise<unknown>((resolve) => {
    pool.dispatch(
      { origin, path: '/', method: 'GET' },
      {
        onRequestStart: () => undefined,
        onResponseStart: () => resolve(new Error('answered')),
        onResponseData: () => undefined,
        onResponseEnd: () => undefined,
        onResponseError: (_controller, err) => resolve(err),
      },
    );
  }).finally(() => pool.destroy());
}

describe("undici's pool, loaded without its index", () => {
  it("raises a head that never comes as undici's HeadersTimeoutError, which is told as a timeout", async () => {
    reply = '';
    expect(toUpstreamError(await failure(), 'sim', never).kind).toBe('timeout');
  });
  it('raises a reply that is not HTTP as a parse error, which is told as a malformed reply', async () => {
    reply = 'SMTP ready\r\n\r\n';
    expect(toUpstreamError(await failure(), 'sim', never).kind).toBe('protocol');
  });
});
