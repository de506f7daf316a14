// OpenAI-compatible data plane: chat completions, embeddings, models.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors.ts';
import { runDeferred } from '../../pipeline/compose.ts';
import type { Endpoint, RequestContext } from '../../pipeline/context.ts';
import type { Catalogue } from '../../routing/catalogue.ts';
import { toGatewayError as upstreamToGatewayError } from '../../routing/upstream-errors.ts';
import type { Principal } from '../../tenancy/tenancy.ts';
import { endSse, pipeEvents, writeSseError, writeSseHead } from '../deliver.ts';
import { sendError, toGatewayError } from '../errors.ts';

export interface DataPlaneDeps {
  catalogue: Catalogue;
  pipeline: (ctx: RequestContext) => Promise<void>;
  /** Authenticates a request outside the pipeline (for GET /v1/models). */
  principalOf: (authorization: string | undefined) => Promise<Principal>;
  /** Models this principal may use. */
  visibleModels: (principal: Principal) => Catalogue['models'];
}

export function dataPlaneRoutes(app: FastifyInstance, deps: DataPlaneDeps): void {
  const handle = (endpoint: Endpoint) => (request: FastifyRequest, reply: FastifyReply) => serve(deps, endpoint, request, reply);
  app.post('/v1/chat/completions', handle('chat'));
  app.post('/v1/embeddings', handle('embeddings'));
  app.post('/v1/responses', handle('responses'));

  app.get('/v1/models', async (request) => {
    const principal = await deps.principalOf(request.headers.authorization);
    return { object: 'list', data: deps.visibleModels(principal).map(modelObject) };
  });

  app.get<{ Params: { model: string } }>('/v1/models/:model', async (request) => {
    const principal = await deps.principalOf(request.headers.authorization);
    const model = deps.visibleModels(principal).find((m) => m.name === request.params.model || m.aliases.includes(request.params.model));
    if (!model) throw new GatewayError(404, 'model_not_found', `The model '${request.params.model}' does not exist or you do not have access to it.`, { param: 'model' });
    return modelObject(model);
  });
}

const modelObject = (m: Catalogue['models'][number]) => ({ id: m.name, object: 'model', created: m.created, owned_by: m.vendor });

async function serve(deps: DataPlaneDeps, endpoint: Endpoint, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const abort = new AbortController();
  const res = reply.raw;
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const ctx: RequestContext = {
    requestId: request.id,
    endpoint,
    receivedAt: new Date(),
    startedAt: performance.now(),
    clientIp: request.ip,
    authorization: request.headers.authorization ?? (request.headers['x-api-key'] as string | undefined),
    rawBody: request.body,
    bodyBytes: Number(request.headers['content-length'] ?? 0),
    bodyText: request.bodyText,
    signal: abort.signal,
    headers: {},
    deferred: [],
  };
  try {
    await deps.pipeline(ctx);
  } catch (err) {
    const error = toGatewayError(err);
    ctx.status = error.status;
    await runDeferred(ctx, (e) => request.log.error(e));
    sendError(reply.headers(ctx.headers), error, request);
    return;
  }
  const result = ctx.reply!;
  if (result.kind === 'json') {
    ctx.status = 200;
    await runDeferred(ctx, (e) => request.log.error(e));
    reply.code(200).headers(ctx.headers).type('application/json').send(result.text ?? JSON.stringify(result.body));
    return;
  }
  reply.hijack();
  writeSseHead(res, { ...ctx.headers, 'x-request-id': ctx.requestId });
  try {
    await pipeEvents(res, result.events);
    ctx.status = abort.signal.aborted ? 499 : 200;
  } catch (err) {
    const error = upstreamToGatewayError(err, ctx.model!.name);
    ctx.status = error.status;
    writeSseError(res, error, endpoint === 'responses');
  }
  // The usage event is durable before the client sees the end of the stream.
  await runDeferred(ctx, (e) => request.log.error(e));
  endSse(res, endpoint === 'responses');
}

export const newRequestId = (): string => `req_${randomUUID().replaceAll('-', '')}`;
