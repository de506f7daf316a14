// OpenAI-compatible model listing. The POST endpoints (chat completions, embeddings, responses, messages) are
// served on node:http directly: see ../data-plane-http.ts.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors.ts';
import type { Catalogue } from '../../routing/catalogue.ts';
import type { Principal } from '../../tenancy/tenancy.ts';

export interface DataPlaneDeps {
  catalogue: Catalogue;
  /** Authenticates a request outside the pipeline (for GET /v1/models). */
  principalOf: (authorization: string | undefined) => Promise<Principal>;
  /** Models this principal may use. */
  visibleModels: (principal: Principal) => Catalogue['models'];
}

export function dataPlaneRoutes(app: FastifyInstance, deps: DataPlaneDeps): void {
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

