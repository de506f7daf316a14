// One data-plane HTTP exchange, and the two ways it ends outside the pipeline's reply: an error and the
// access-log line.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayError } from '../errors.ts';
import type { AccessLog } from './access-log.ts';
import type { Surface } from './surface.ts';

/** One HTTP request/response on the data plane. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
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
  exchange.access(exchange.requestId, exchange.req.method!, exchange.req.url!, status, Math.round(performance.now() - exchange.receivedAt));
}
