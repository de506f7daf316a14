// The upstream transport against a real local HTTP server: whole replies, streams read slower than they are
// written (the upstream is paused and resumed), vendor error statuses, the total deadline and client aborts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
const upstream = (timeouts: Record<string, number> = {}) => {
  const u = new HttpUpstream(providerSchema.parse({ id: 'local', vendor: 'v', type: 'openai', region: 'r', base_url: base, models: [{ model: 'm' }], timeouts }));
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
    const err = (await upstream().postJson('/limited', headers, '{}', never).catch((e: unknown) => e)) as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(7000);
    expect(err.body).toEqual({ error: { message: 'slow down' } });
  });

  it('passes a health check on a 2xx reply only', async () => {
    await expect(upstream().probe('/json', headers, never)).resolves.toBeUndefined();
    const moved = (await upstream().probe('/moved', headers, never).catch((e: unknown) => e)) as UpstreamError;
    expect([moved.kind, moved.status]).toEqual(['status', 302]);
    const limited = (await upstream().probe('/limited', headers, never).catch((e: unknown) => e)) as UpstreamError;
    expect(limited.status).toBe(429);
  });

  it('gives up at the total deadline', async () => {
    const err = (await upstream({ total_ms: 150 }).postJson('/hang', headers, '{}', never).catch((e: unknown) => e)) as UpstreamError;
    expect(err.kind).toBe('timeout');
  });

  it('stops when the client goes away', async () => {
    const client = new AbortController();
    setTimeout(() => client.abort(), 50);
    const err = (await upstream().postJson('/hang', headers, '{}', client.signal).catch((e: unknown) => e)) as UpstreamError;
    expect(err.kind).toBe('aborted');
  });
});
