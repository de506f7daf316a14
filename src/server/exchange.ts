// One data-plane HTTP exchange as the pipeline's server side sees it: what it needs of the request, and where
// the reply goes. Independent of the framework that received it.
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayError } from '../errors.ts';
import { writeError } from './errors.ts';
import type { Surface } from './surface.ts';

/** A request's header fields by lower-case name, as node:http gives them. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The first value of a header field. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** Where a data-plane reply is written: the part of node:http's ServerResponse the data plane uses. */
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
  headers: RequestHeaders;
  res: ReplyChannel;
  requestId: string;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  clientIp: string;
  log: FastifyBaseLogger;
}

/** Ends the exchange with `err`, in the surface's error format. */
export function sendError(exchange: Exchange, surface: Surface, err: GatewayError, headers?: Record<string, string>): void {
  if (err.status >= 500) exchange.log.error({ reqId: exchange.requestId, code: err.code }, err.message);
  writeError(exchange.res, err, surface.errorBody, headers);
}
