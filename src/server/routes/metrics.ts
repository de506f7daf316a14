// GET /metrics: the Prometheus text exposition, for an admin principal's token of any role (a scraper is given a
// `viewer` principal of its own: conduit principals create prometheus --role viewer).
import type { FastifyInstance } from 'fastify';
import type { AdminPrincipals } from '../../tenancy/principals.ts';
import { adminPrincipalGuard } from '../admin-auth.ts';
import { api } from '../api.ts';

export interface MetricsExposition {
  exposition(): Promise<{ contentType: string; text: string }>;
}

export function metricsRoutes(
  app: FastifyInstance,
  deps: { metrics?: MetricsExposition; principals: AdminPrincipals },
) {
  const { metrics } = deps;
  if (!metrics) return;
  app.register(async (scope) => {
    scope.addHook('onRequest', adminPrincipalGuard(deps.principals));
    scope.get(
      '/metrics',
      api({
        summary: 'Prometheus metrics (text exposition format), for any admin role',
        role: 'viewer',
        produces: ['text/plain'],
      }),
      async (_request, reply) => {
        const { contentType, text } = await metrics.exposition();
        return reply.type(contentType).send(text);
      },
    );
  });
}
