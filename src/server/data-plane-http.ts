// The data plane's hot path straight on node:http. The endpoints customers call on every request skip
// Fastify's request and reply objects, hooks and router: it reads the body, parses the JSON, and hands the
// request to the pipeline. Everything else (models, admin, provenance, health) stays on Fastify.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { GatewayError, invalidJson, requestTooLarge } from '../errors.ts';
import type { AccessLog } from './access-log.ts';
import { newRequestId } from './request-id.ts';
import { sendError, type Exchange } from './exchange.ts';
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

/** Handles the request and returns true when it is a data-plane call; false leaves it to Fastify. */
export function dataPlaneFastPath(deps: FastPathDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url!;
    const query = url.indexOf('?');
    const surface = surfaces.get(query === -1 ? url : url.slice(0, query));
    if (!surface) return false;
    receive(req, res, surface, deps);
    return true;
  };
}

function receive(req: IncomingMessage, res: ServerResponse, surface: Surface, deps: FastPathDeps): void {
  const exchange: Exchange = {
    req,
    res,
    requestId: newRequestId(),
    receivedAt: performance.now(),
    clientIp: clientIp(req, deps.trustProxy),
    log: deps.log,
    access: deps.access,
  };
  const refuse = (err: GatewayError) => {
    // The rest of the body is not read: close the connection rather than parse it as the next request.
    res.setHeader('connection', 'close');
    sendError(exchange, surface, err);
    req.resume();
  };
  if (deps.closing()) return refuse(new GatewayError(503, 'server_shutting_down', 'The server is shutting down; retry on another instance.'));
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
  const onEnd = () => {
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch (err) {
      return sendError(exchange, surface, invalidJson((err as Error).message));
    }
    serve(deps.pipeline, surface, exchange, body, text, size).catch((err: unknown) => {
      deps.log.error({ err, reqId: exchange.requestId }, 'data-plane request failed');
      if (!res.headersSent) sendError(exchange, surface, new GatewayError(500, 'internal_error', 'The server had an error while processing your request.'));
      else res.destroy();
    });
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', () => res.destroy());
}

/** With trust_proxy, the client is the first address in X-Forwarded-For (as Fastify's trustProxy: true reads it). */
function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    if (typeof forwarded === 'string' && forwarded) return forwarded.split(',')[0]!.trim();
  }
  return req.socket.remoteAddress ?? '';
}
