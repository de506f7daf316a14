// One data-plane HTTP exchange as the pipeline's server side sees it: what it needs of the request, and where
// the reply goes. Independent of the framework that received it.
import type { FastifyBaseLogger } from 'fastify';
import type { RequestContext } from '../pipeline/context.ts';
import type { GatewayError } from '../errors.ts';
import { writeError } from './errors.ts';
import type { ReplyChannel } from './reply-channel.ts';
import type { Surface } from './surface.ts';

/** A request's header fields by lower-case name, as node:http gives them. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The first value of a header field. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** One HTTP request/response on the data plane. */
export interface Exchange {
  headers: RequestHeaders;
  res: ReplyChannel;
  requestId: string;
  /** The route that received the request (/v1/chat/completions...). */
  route: string;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  clientIp: string;
  log: FastifyBaseLogger;
  /** A streaming client that takes nothing of its reply for this long is dropped (server.stream_stall_ms). */
  streamStallMs: number;
  /** The pipeline's context for this request, once it has one (for the access log). */
  context?: RequestContext;
}

/** Ends the exchange with `err`, in the surface's error format. `headers` are the context's, with the request id. */
export function sendError(
  exchange: Exchange,
  surface: Surface,
  err: GatewayError,
  headers?: Record<string, string>,
): void {
  if (err.status >= 500) exchange.log.error({ reqId: exchange.requestId, code: err.code }, err.message);
  writeError(exchange.res, err, surface.errorBody, headers ?? { 'x-request-id': exchange.requestId });
}
