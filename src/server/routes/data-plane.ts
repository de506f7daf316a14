// The data plane: model listing, and the endpoints customers call on every request (chat completions,
// embeddings, Responses, Anthropic messages and their token count). Each of those is one handler mounted once:
// Fastify reads the body within the one body limit, it is parsed as JSON once, and the pipeline serves it
// (../serve.ts), writing the reply (JSON or a stream) on node:http's response.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, internalError } from '../../errors.ts';
import { parseBodyJson } from '../errors.ts';
import type { Catalogue } from '../../routing/catalogue.ts';
import type { Lease } from '../../config/live-config.ts';
import type { Principal } from '../../tenancy/tenancy.ts';
import { sendError, type Exchange } from '../exchange.ts';
import { serve, type Pipeline } from '../serve.ts';
import { shapeRefusal, type RequestLimits } from '../request-limits.ts';
import { anthropicCountTokensSurface, anthropicSurface, openaiSurface, type Surface } from '../surface.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** A data-plane request's exchange with the pipeline (its context, for the access log); null elsewhere. */
    exchange: Exchange | null;
  }
}

/** What the configuration in force serves the data plane with. */
export interface DataPlaneGeneration {
  pipeline: Pipeline;
  /** Models this principal may use. */
  visibleModels: (principal: Principal) => Catalogue['models'];
  /** Anthropic's token count: the checks a call gets (authentication, model, policy, regions), then the count. */
  countTokens: Pipeline;
}

export interface DataPlaneDeps {
  /** The configuration in force: taken once as a request starts and held to its end (a reload swaps it meanwhile). */
  serving: { readonly current: DataPlaneGeneration; acquire(): Lease<DataPlaneGeneration> };
  /** Authenticates a request outside the pipeline (for GET /v1/models): its Authorization or x-api-key value. */
  principalOf: (credential: string | undefined) => Promise<Principal>;
}

const surfaces: ReadonlyArray<[string, Surface]> = [
  ['/v1/chat/completions', openaiSurface('chat')],
  ['/v1/embeddings', openaiSurface('embeddings')],
  ['/v1/responses', openaiSurface('responses')],
  // Anthropic's Messages API, for customers on the official @anthropic-ai/sdk.
  ['/v1/messages', anthropicSurface],
];

/** A data-plane body: its JSON, and its text and size as they arrived (the pipeline may forward the text as is). */
interface DataPlaneBody {
  value: unknown;
  text: string;
  bytes: number;
}

/** The surface a route speaks, for errors written outside the pipeline (body too large, not JSON). */
export function surfaceOf(request: FastifyRequest): Surface | undefined {
  return (request.routeOptions.config as { surface?: Surface } | undefined)?.surface;
}

export function dataPlaneRoutes(app: FastifyInstance, deps: DataPlaneDeps, limits: RequestLimits): void {
  const credential = ({ headers }: FastifyRequest) =>
    headers.authorization ?? (typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined);
  app.get('/v1/models', async (request) => {
    const principal = await deps.principalOf(credential(request));
    return { object: 'list', data: deps.serving.current.visibleModels(principal).map(modelObject) };
  });

  app.get<{ Params: { model: string } }>('/v1/models/:model', async (request) => {
    const principal = await deps.principalOf(credential(request));
    const model = deps.serving.current
      .visibleModels(principal)
      .find((m) => m.name === request.params.model || m.aliases.includes(request.params.model));
    if (!model)
      throw new GatewayError(
        'model_not_found',
        `The model '${request.params.model}' does not exist or you do not have access to it.`,
        { param: 'model' },
      );
    return modelObject(model);
  });

  app.register(async (plane) => {
    // JSON whatever the declared content type (curl users often forget the header), kept as text too.
    plane.removeAllContentTypeParsers();
    plane.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      const text = (body as Buffer).toString('utf8');
      try {
        const value = parseBodyJson(text);
        const refusal = shapeRefusal(value, limits);
        if (refusal) throw refusal;
        done(null, { value, text, bytes: (body as Buffer).length } satisfies DataPlaneBody);
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    for (const [path, surface] of surfaces) {
      plane.post(path, { config: { surface } }, (request, reply) =>
        handle(deps.serving.acquire(), 'pipeline', surface, request, reply, limits.streamStallMs),
      );
    }
    const counting = anthropicCountTokensSurface;
    plane.post('/v1/messages/count_tokens', { config: { surface: counting } }, (request, reply) =>
      handle(deps.serving.acquire(), 'countTokens', counting, request, reply, limits.streamStallMs),
    );
  });
}

function handle(
  serving: Lease<DataPlaneGeneration>,
  which: 'pipeline' | 'countTokens',
  surface: Surface,
  request: FastifyRequest,
  reply: FastifyReply,
  streamStallMs: number,
): void {
  // The pipeline writes the reply itself (streams chunk by chunk): Fastify's reply is not used.
  reply.hijack();
  const exchange: Exchange = {
    headers: request.headers,
    res: reply.raw,
    requestId: request.id,
    route: request.routeOptions.url ?? request.url,
    receivedAt: performance.now() - reply.elapsedTime,
    clientIp: request.ip,
    log: request.log,
    streamStallMs,
    context: undefined,
  };
  request.exchange = exchange;
  const body = request.body as DataPlaneBody | undefined;
  serve(serving.generation[which], surface, exchange, body?.value, body?.text ?? '', body?.bytes ?? 0)
    .catch((err: unknown) => {
      request.log.error({ err, reqId: request.id }, 'data-plane request failed');
      if (!reply.raw.headersSent) sendError(exchange, surface, internalError());
      else reply.raw.destroy();
    })
    .finally(serving.release);
}

const modelObject = (m: Catalogue['models'][number]) => ({
  id: m.name,
  object: 'model',
  created: m.created,
  owned_by: m.vendor,
});
