// The data plane's hot path, outside Fastify: the endpoints customers call on every request are read by the
// data-plane server (./http1), parsed as JSON and handed to the pipeline. A connection that node:http took over
// (its first request was for Fastify: models, admin, health) comes here through dataPlaneFastPath instead.
// Everything else stays on Fastify.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { GatewayError, invalidJson, requestTooLarge } from '../errors.ts';
import type { AccessLog } from './access-log.ts';
import { headerValue, sendError, type Exchange, type ReplyChannel, type RequestHeaders } from './exchange.ts';
import type { Http1Handler, ServerRequest } from './http1/connection.ts';
import type { ServerReply } from './http1/reply.ts';
import type { RequestHead, RequestParseError } from './http1/request-parser.ts';
import { newRequestId } from './request-id.ts';
import { serve, type Pipeline } from './serve.ts';
import { anthropicSurface, openaiSurface, type Surface } from './surface.ts';

export interface FastPathDeps {
  pipeline: Pipeline;
  bodyLimitBytes: number;
  trustProxy: boolean;
  log: FastifyBaseLogger;
  access: AccessLog;
  /** True once the server is shutting down: new requests get 503. */
  closing: () => boolean;
}

const surfaces = new Map<string, Surface>([
  ['/v1/chat/completions', openaiSurface('chat')],
  ['/v1/embeddings', openaiSurface('embeddings')],
  ['/v1/responses', openaiSurface('responses')],
  // Anthropic's Messages API, for customers on the official @anthropic-ai/sdk.
  ['/v1/messages', anthropicSurface],
]);

/** The surface of a data-plane call, or undefined for a request that is not one. */
function surfaceOf(method: string, url: string): Surface | undefined {
  if (method !== 'POST') return undefined;
  const query = url.indexOf('?');
  return surfaces.get(query === -1 ? url : url.slice(0, query));
}

/** The data-plane server's handler: data-plane calls are served here, everything else goes to node:http. */
export function dataPlaneHandler(deps: FastPathDeps): Http1Handler {
  return {
    accepts: (head) => surfaceOf(head.method, head.url) !== undefined,
    bodyLimit: deps.bodyLimitBytes,
    handle(request: ServerRequest, reply: ServerReply) {
      const exchange = exchangeOf(request, reply, request.remoteAddress, deps);
      const surface = surfaceOf(request.method, request.url)!;
      if (deps.closing()) return sendError(exchange, surface, shuttingDown());
      run(deps, exchange, surface, request.body);
    },
    reject(head: RequestHead | undefined, err: RequestParseError, reply: ServerReply) {
      const exchange = exchangeOf(head ?? { method: '-', url: '-', headers: {} }, reply, '', deps);
      const surface = (head && surfaceOf(head.method, head.url)) ?? surfaces.get('/v1/chat/completions')!;
      sendError(exchange, surface, err.status === 413 ? requestTooLarge(deps.bodyLimitBytes) : new GatewayError(err.status, 'invalid_http_request', `The HTTP request could not be read: ${err.message}`));
    },
  };
}

/** Handles the request and returns true when it is a data-plane call; false leaves it to Fastify. */
export function dataPlaneFastPath(deps: FastPathDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const surface = surfaceOf(req.method!, req.url!);
    if (!surface) return false;
    receive(req, res, surface, deps);
    return true;
  };
}

function exchangeOf(request: { method: string; url: string; headers: RequestHeaders }, res: ReplyChannel, remoteAddress: string, deps: FastPathDeps): Exchange {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    res,
    requestId: newRequestId(),
    receivedAt: performance.now(),
    clientIp: clientIp(request.headers, remoteAddress, deps.trustProxy),
    log: deps.log,
    access: deps.access,
  };
}

const shuttingDown = () => new GatewayError(503, 'server_shutting_down', 'The server is shutting down; retry on another instance.');

/** node:http: reads the body (within the limit), then runs the request. */
function receive(req: IncomingMessage, res: ServerResponse, surface: Surface, deps: FastPathDeps): void {
  const exchange = exchangeOf({ method: req.method!, url: req.url!, headers: req.headers }, res, req.socket.remoteAddress ?? '', deps);
  const refuse = (err: GatewayError) => {
    // The rest of the body is not read: close the connection rather than parse it as the next request.
    res.setHeader('connection', 'close');
    sendError(exchange, surface, err);
    req.resume();
  };
  if (deps.closing()) return refuse(shuttingDown());
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > deps.bodyLimitBytes) return refuse(requestTooLarge(deps.bodyLimitBytes));

  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > deps.bodyLimitBytes) {
      req.off('data', onData);
      req.off('end', onEnd);
      return refuse(requestTooLarge(deps.bodyLimitBytes));
    }
    chunks.push(chunk);
  };
  const onEnd = () => run(deps, exchange, surface, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', () => res.destroy());
}

/** Parses the body as JSON and runs the request through the pipeline. */
function run(deps: FastPathDeps, exchange: Exchange, surface: Surface, body: Buffer): void {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch (err) {
    return sendError(exchange, surface, invalidJson((err as Error).message));
  }
  serve(deps.pipeline, surface, exchange, parsed, text, body.length).catch((err: unknown) => {
    deps.log.error({ err, reqId: exchange.requestId }, 'data-plane request failed');
    if (!exchange.res.headersSent) sendError(exchange, surface, new GatewayError(500, 'internal_error', 'The server had an error while processing your request.'));
    else exchange.res.destroy();
  });
}

/** With trust_proxy, the client is the first address in X-Forwarded-For (as Fastify's trustProxy: true reads it). */
function clientIp(headers: RequestHeaders, remoteAddress: string, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = headerValue(headers, 'x-forwarded-for');
    if (forwarded) return forwarded.split(',')[0]!.trim();
  }
  return remoteAddress;
}
