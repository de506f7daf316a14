// Admin API: the availability policy (explain, what-if, change) and the audit log (list, verify).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log.ts';
import { notFound } from '../../errors.ts';
import { features, policySchema } from '../../policy/schema.ts';
import type { PolicyService } from '../../policy/service.ts';
import type { Catalogue } from '../../routing/catalogue.ts';
import type { Tenancy } from '../../tenancy/tenancy.ts';
import { actorOf } from '../actor.ts';
import { parseInput } from '../validate.ts';

const isoDate = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date or time').transform((v) => new Date(v).toISOString());

export function adminGovernanceRoutes(app: FastifyInstance, deps: { policy: PolicyService; audit: AuditLog; tenancy: Tenancy; catalogue: Catalogue }): void {
  const { policy, audit, tenancy, catalogue } = deps;

  app.get('/policy', async () => policy.current);

  app.put('/policy', async (request) => {
    const body = parseInput(z.object({ policy: policySchema, reason: z.string().trim().min(3) }).strict(), request.body);
    const version = await policy.update(body.policy, actorOf(request), body.reason);
    return { version, policy: body.policy };
  });

  app.post('/policy/what-if', async (request) => {
    const { policy: proposed } = parseInput(z.object({ policy: policySchema }).strict(), request.body);
    return { object: 'list', data: policy.whatIf(proposed, await tenancy.listOrgs()) };
  });

  app.get('/policy/explain', async (request) => {
    const q = parseInput(
      z.object({ org: z.string().min(1), model: z.string().min(1), region: z.string().optional(), features: z.string().optional() }),
      request.query,
      'query',
    );
    const org = await tenancy.getOrg(q.org);
    if (!org) throw notFound(`No organisation with id '${q.org}'.`, 'org_not_found', 'org');
    const model = catalogue.resolve(q.model);
    if (!model) throw notFound(`No model '${q.model}' in the catalogue.`, 'model_not_found', 'model');
    const wanted = (q.features ?? '').split(',').filter(Boolean);
    const bad = wanted.find((f) => !(features as readonly string[]).includes(f));
    if (bad) throw notFound(`Unknown feature '${bad}' (known: ${features.join(', ')}).`, 'unknown_feature', 'features');
    return { ...policy.explain(org, model, q.region, new Set(wanted as never[])), org_status: org.status, org_tier: org.tier, org_country: org.country };
  });

  app.get('/audit', async (request) => {
    const f = parseInput(
      z.object({
        actor: z.string().optional(),
        action: z.string().optional(),
        subject_type: z.string().optional(),
        subject_id: z.string().optional(),
        from: isoDate.optional(),
        to: isoDate.optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
      request.query,
      'query',
    );
    return { object: 'list', data: await audit.list(f) };
  });

  app.get('/audit/verify', async () => audit.verify());
}
