// Admin API: the availability policy (explain, what-if, change) and the audit log (list, verify).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log.ts';
import { GatewayError } from '../../errors.ts';
import { availabilityMatrix, matrixCountries } from '../../policy/matrix.ts';
import { features, policySchema, tiers } from '../../policy/schema.ts';
import type { PolicyService } from '../../policy/service.ts';
import type { Catalogue } from '../../routing/catalogue.ts';
import type { Tenancy } from '../../tenancy/tenancy.ts';
import { actorOf } from '../actor.ts';
import { parseInput } from '../validate.ts';
import { api } from '../api.ts';

const policyUpdateSchema = z
  .object({ policy: policySchema, reason: z.string().trim().min(3), base_version: z.number().int().min(0).optional() })
  .strict();
const whatIfSchema = z.object({ policy: policySchema }).strict();
const explainQuery = z.object({
  org: z.string().min(1),
  model: z.string().min(1),
  region: z.string().optional(),
  features: z.string().optional(),
});
const matrixQuery = z.object({ tier: z.enum(tiers).default('verified') });
const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date or time')
  .transform((v) => new Date(v).toISOString());
const auditQuery = z.object({
  actor: z.string().optional(),
  action: z.string().optional(),
  subject_type: z.string().optional(),
  subject_id: z.string().optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export function adminGovernanceRoutes(
  app: FastifyInstance,
  deps: { policy: PolicyService; audit: AuditLog; tenancy: Tenancy; catalogue: Pick<Catalogue, 'models' | 'resolve'> },
): void {
  const { policy, audit, tenancy, catalogue } = deps;

  app.get(
    '/policy',
    api({ role: 'viewer', summary: 'The availability policy in force, with its version' }),
    async () => policy.current,
  );

  app.put(
    '/policy',
    api({
      role: 'compliance',
      summary: 'Change the availability policy (versioned, audited)',
      body: policyUpdateSchema,
    }),
    async (request) => {
      const body = parseInput(policyUpdateSchema, request.body);
      const version = await policy.update(body.policy, actorOf(request), body.reason, body.base_version);
      return { version, policy: body.policy };
    },
  );

  app.post(
    '/policy/what-if',
    api({
      role: 'compliance',
      summary: 'Who would gain and lose which model under a proposed policy',
      body: whatIfSchema,
    }),
    async (request) => {
      const { policy: proposed } = parseInput(whatIfSchema, request.body);
      const { changes, held_by_preference } = policy.whatIf(proposed, await tenancy.listOrgs());
      return { object: 'list', data: changes, held_by_preference };
    },
  );

  app.get(
    '/policy/matrix',
    api({
      role: 'viewer',
      summary:
        'Availability by jurisdiction and model at a tier: the regions that would serve, or the rule that denies',
      querystring: matrixQuery,
    }),
    async (request) => {
      const { tier } = parseInput(matrixQuery, request.query, 'query');
      const countries = matrixCountries(policy, await tenancy.listOrgs());
      return {
        policy_version: policy.current.version,
        tier,
        data: availabilityMatrix(policy, catalogue.models, countries, tier),
      };
    },
  );

  app.get(
    '/policy/explain',
    api({
      role: 'viewer',
      summary: 'The decision for an organisation and model, and the rules behind it',
      querystring: explainQuery,
    }),
    async (request) => {
      const q = parseInput(explainQuery, request.query, 'query');
      const org = await tenancy.getOrg(q.org);
      if (!org) throw new GatewayError('org_not_found', `No organisation with id '${q.org}'.`, { param: 'org' });
      const model = catalogue.resolve(q.model);
      if (!model)
        throw new GatewayError('model_not_found', `No model '${q.model}' in the catalogue.`, { param: 'model' });
      const wanted = (q.features ?? '').split(',').filter(Boolean);
      const bad = wanted.find((f) => !(features as readonly string[]).includes(f));
      if (bad)
        throw new GatewayError('unknown_feature', `Unknown feature '${bad}' (known: ${features.join(', ')}).`, {
          param: 'features',
        });
      return {
        ...policy.explain(org, model, q.region, new Set(wanted as never[])),
        org_status: org.status,
        org_tier: org.tier,
        org_country: org.country,
      };
    },
  );

  app.get(
    '/audit',
    api({ role: 'viewer', summary: 'Audit log entries, filtered', querystring: auditQuery }),
    async (request) => {
      const f = parseInput(auditQuery, request.query, 'query');
      return { object: 'list', data: await audit.list(f) };
    },
  );

  app.get('/audit/verify', api({ role: 'viewer', summary: 'Check the hash chain of the audit log' }), async () =>
    audit.verify(),
  );
}
