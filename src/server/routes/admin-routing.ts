// Admin API: where each organisation and key may be served from, and the live routing state.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ConduitConfig } from '../../config/schema.ts';
import { GatewayError } from '../../errors.ts';
import type { Catalogue } from '../../routing/catalogue.ts';
import type { Router } from '../../routing/router.ts';
import type { ExperimentBook } from '../../routing/experiments.ts';
import { routingPreferencesSchema, type RoutingPreferences } from '../../routing/preferences.ts';
import { toPublicKey, type Tenancy } from '../../tenancy/tenancy.ts';
import { parseInput } from '../validate.ts';
import { api } from '../api.ts';

export function adminRoutingRoutes(
  app: FastifyInstance,
  deps: {
    tenancy: Tenancy;
    experiments: ExperimentBook;
    /** The configuration in force, its catalogue and router (a reload replaces them). */
    serving: { readonly current: { config: Readonly<ConduitConfig>; catalogue: Catalogue; router: Router } };
  },
): void {
  const checkRegions = (prefs: RoutingPreferences) => {
    const regionIds = new Set(deps.serving.current.config.regions.map((r) => r.id));
    for (const field of ['allowed_regions', 'preferred_regions'] as const) {
      prefs[field]?.forEach((id, i) => {
        if (!regionIds.has(id))
          throw new GatewayError('unknown_region', `Unknown region '${id}' (known: ${[...regionIds].join(', ')}).`, {
            param: `${field}[${i}]`,
          });
      });
    }
    return prefs;
  };
  const params = z.object({ id: z.string().min(1) });
  const keyParams = z.object({ id: z.string(), keyId: z.string() });

  app.get(
    '/orgs/:id/routing',
    api({ role: 'viewer', summary: "Where an organisation's requests may be served from", params }),
    async (request) => {
      const org = await deps.tenancy.getOrg(parseInput(params, request.params, 'path').id);
      if (!org) throw new GatewayError('org_not_found', 'No such organisation.', { param: 'id' });
      return org.routing ?? {};
    },
  );

  app.put(
    '/orgs/:id/routing',
    api({
      role: 'operator',
      summary: "Set where an organisation's requests may be served from",
      params,
      body: routingPreferencesSchema,
    }),
    async (request) => {
      const { id } = parseInput(params, request.params, 'path');
      const prefs = checkRegions(parseInput(routingPreferencesSchema, request.body));
      const org = await deps.tenancy.updateOrg(id, { routing: prefs });
      if (!org) throw new GatewayError('org_not_found', 'No such organisation.', { param: 'id' });
      return org.routing;
    },
  );

  app.put(
    '/orgs/:id/keys/:keyId/routing',
    api({
      role: 'operator',
      summary: "Narrow where one key's requests may be served from",
      params: keyParams,
      body: routingPreferencesSchema,
    }),
    async (request) => {
      const { id, keyId } = parseInput(keyParams, request.params, 'path');
      const prefs = checkRegions(parseInput(routingPreferencesSchema, request.body));
      const key = await deps.tenancy.setKeyRouting(id, keyId, prefs);
      if (!key)
        throw new GatewayError('key_not_found', `No key '${keyId}' in organisation '${id}'.`, { param: 'keyId' });
      return toPublicKey(key);
    },
  );

  app.get(
    '/catalogue',
    api({ role: 'viewer', summary: 'The model catalogue: each model with its deployments, regions and routing' }),
    async () => {
      const { config, catalogue } = deps.serving.current;
      return {
        regions: config.regions.map((r) => ({ id: r.id, name: r.name ?? r.id, country: r.country })),
        vendors: config.vendors.map((v) => ({ id: v.id, name: v.name ?? v.id })),
        models: catalogue.models.map((m) => ({
          name: m.name,
          vendor: m.vendor,
          kind: m.kind,
          aliases: m.aliases,
          description: m.description ?? null,
          routing: m.routing ?? null,
          deployments: m.deployments.map((d) => ({
            id: d.id,
            vendor: d.vendor,
            region: d.region.id,
            region_country: d.region.country,
            type: d.provider.type,
            upstream_model: d.upstreamModel,
            capabilities: d.capabilities,
            priority: d.priority,
            weight: d.weight,
          })),
        })),
      };
    },
  );
  app.get('/routing/health', api({ role: 'viewer', summary: 'Circuit state and latency per deployment' }), async () =>
    deps.serving.current.router.health.snapshot(),
  );
  app.get(
    '/routing/experiments',
    api({ role: 'viewer', summary: 'Canary and shadow experiments, both arms side by side' }),
    async () => ({ object: 'list', data: deps.experiments.report() }),
  );
}
