// OpenAI-compatible data plane: chat completions, embeddings, models.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors.ts';
import type { RequestContext } from '../../pipeline/context.ts';
import type { Catalogue } from '../../routing/catalogue.ts';
import type { Principal } from '../../tenancy/tenancy.ts';
import { serve } from '../serve.ts';
import { anthropicSurface, openaiSurface, type Surface } from '../surface.ts';

export interface DataPlaneDeps {
  catalogue: Catalogue;
  pipeline: (ctx: RequestContext) => Promise<void>;
  /** Authenticates a request outside the pipeline (for GET /v1/models). */
  principalOf: (authorization: string | undefined) => Promise<Principal>;
  /** Models this principal may use. */
  visibleModels: (principal: Principal) => Catalogue['models'];
}

export function dataPlaneRoutes(app: FastifyInstance, deps: DataPlaneDeps): void {
  const handle = (surface: Surface) => (request: FastifyRequest, reply: FastifyReply) => serve(deps.pipeline, surface, request, reply);
  app.post('/v1/chat/completions', handle(openaiSurface('chat')));
  app.post('/v1/embeddings', handle(openaiSurface('embeddings')));
  app.post('/v1/responses', handle(openaiSurface('responses')));
  // Anthropic's Messages API, for customers on the official @anthropic-ai/sdk.
  app.post('/v1/messages', handle(anthropicSurface));

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

export const newRequestId = (): string => `req_${randomUUID().replaceAll('-', '')}`;
