// One data-plane HTTP exchange, and the two ways it ends outside the pipeline's reply: an error and the
// access-log line.
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayError } from '../errors.ts';
import type { AccessLog } from './access-log.ts';
import type { Surface } from './surface.ts';

/** A request's header fields by lower-case name: node:http's IncomingHttpHeaders or the data-plane server's own. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The first value of a header field. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * Where a data-plane reply is written: the part of node:http's ServerResponse the data plane uses, which the
 * data-plane server's own reply (./http1/reply.ts) offers too.
 */
export interface ReplyChannel {
  readonly destroyed: boolean;
  readonly writableFinished: boolean;
  readonly headersSent: boolean;
  writeHead(status: number, headers: Readonly<Record<string, string | number | undefined>>): unknown;
  /** False when the client's buffer is full: wait for 'drain'. */
  write(text: string): boolean;
  end(text?: string): unknown;
  cork(): void;
  setHeader(name: string, value: string): unknown;
  destroy(): unknown;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** One HTTP request/response on the data plane. */
export interface Exchange {
  method: string;
  url: string;
  headers: RequestHeaders;
  res: ReplyChannel;
  requestId: string;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  clientIp: string;
  log: FastifyBaseLogger;
  access: AccessLog;
}

export function sendError(exchange: Exchange, surface: Surface, err: GatewayError, headers?: Record<string, string>): void {
  const { res } = exchange;
  if (err.status >= 500) exchange.log.error({ reqId: exchange.requestId, code: err.code }, err.message);
  const body = JSON.stringify(surface.errorBody(err));
  res.writeHead(err.status, { ...headers, ...err.headers, 'x-request-id': exchange.requestId, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
  accessLog(exchange, err.status);
}

export function accessLog(exchange: Exchange, status: number): void {
  exchange.access(exchange.requestId, exchange.method, exchange.url, status, Math.round(performance.now() - exchange.receivedAt));
}
