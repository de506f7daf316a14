// Replays recorded vendor replies (test/fixtures/vendors/<vendor>/...) from a local node:http server, in the order
// a test queued them, and records every request it was sent: its method, path and query, headers and JSON body.
// A stream is written one event at a time (each in its own write), so the gateway reads it as it would a vendor's.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UsageEvent } from '../../src/store/ports.ts';

const FIXTURES = new URL('../fixtures/vendors/', import.meta.url);

/** A fixture file's text, by its path under test/fixtures/vendors. */
export const fixtureText = (path: string): string => readFileSync(new URL(path, FIXTURES), 'utf8');
/** A JSON fixture, parsed. */
export const fixtureJson = <T = any>(path: string): T => JSON.parse(fixtureText(path)) as T;

export interface Cassette {
  /** Path under test/fixtures/vendors: a .json body, or a .sse stream (written event by event). */
  file: string;
  status?: number;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface VendorReplay {
  /** Base URL of the server (no trailing slash). */
  url: string;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Queues replies for the next requests, in order. A request with nothing queued gets a 500 naming it. */
  play(...cassettes: Cassette[]): void;
  /** The most recent request. */
  last(): RecordedRequest;
  close(): Promise<void>;
}

export async function startVendorReplay(): Promise<VendorReplay> {
  const queue: Cassette[] = [];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () => {
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // kept as text
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const next = queue.shift();
      if (!next)
        return void res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `nothing queued for ${req.method} ${req.url}` } }));
      void reply(res, next);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    play: (...cassettes) => void queue.push(...cassettes),
    last: () => requests[requests.length - 1]!,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function reply(res: ServerResponse, cassette: Cassette): Promise<void> {
  const text = fixtureText(cassette.file);
  const status = cassette.status ?? 200;
  if (!cassette.file.endsWith('.sse')) {
    res.writeHead(status, { 'content-type': 'application/json', ...cassette.headers });
    return void res.end(text);
  }
  res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...cassette.headers });
  // One write per event (blocks separated by a blank line), the separators kept as the vendor wrote them.
  const events = text.split(/(?<=\r?\n\r?\n)/);
  for (const event of events) {
    if (res.destroyed) return;
    res.write(event);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  res.end();
}

/** The final usage event of an organisation's one request (it lands after delivery; interim records are skipped). */
export async function finalUsageEvent(
  store: { usage: { list(orgId: string, range: object): Promise<UsageEvent[]> } },
  orgId: string,
): Promise<UsageEvent> {
  for (let i = 0; i < 150; i++) {
    const final = (await store.usage.list(orgId, {})).find((e) => e.interim === undefined);
    if (final) return final;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no final usage event for ${orgId}`);
}
