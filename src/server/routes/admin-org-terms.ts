// Admin API: what a customer chose for itself (preferences the policy applies) and the terms agreed with it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { ConduitConfig } from '../../config/schema.ts';
import { GatewayError } from '../../errors.ts';
import { contractTermsSchema, isEmpty, orgPreferencesSchema } from '../../policy/preferences.ts';
import type { Catalogue } from '../../routing/catalogue.ts';
import type { OrgPreferences } from '../../store/ports.ts';
import type { Tenancy } from '../../tenancy/tenancy.ts';
import { actorOf } from '../actor.ts';
import { orgOr404 } from '../lookups.ts';
import { parseInput } from '../validate.ts';
import { api } from '../api.ts';

const idParams = z.object({ id: z.string().min(1) });

export function adminOrgTermsRoutes(
  app: FastifyInstance,
  deps: {
    tenancy: Tenancy;
    audit: AuditLog;
    /** The configuration in force and its catalogue (a reload replaces them). */
    serving: { readonly current: { config: Readonly<ConduitConfig>; catalogue: Catalogue } };
  },
): void {
  const { tenancy, audit, serving } = deps;

  app.get(
    '/orgs/:id/preferences',
    api({
      role: 'viewer',
      summary: 'What a customer chose for itself (vendors, models, regions to allow or exclude)',
      params: idParams,
    }),
    async (request) => (await orgOr404(tenancy, parseInput(idParams, request.params, 'path').id)).preferences ?? {},
  );

  app.put(
    '/orgs/:id/preferences',
    api({
      role: 'operator',
      summary: "Set a customer's own preferences, which the policy applies",
      params: idParams,
      body: orgPreferencesSchema,
    }),
    async (request) => {
      const org = await orgOr404(tenancy, parseInput(idParams, request.params, 'path').id);
      const preferences = known(
        parseInput(orgPreferencesSchema, request.body),
        serving.current.catalogue,
        serving.current.config,
      );
      const stored = isEmpty(preferences) ? null : preferences;
      await tenancy.updateOrg(org.id, { preferences: stored });
      await audit.append({
        actor: actorOf(request),
        action: 'org.preferences.updated',
        subject_type: 'org',
        subject_id: org.id,
        data: { preferences: stored },
      });
      return stored ?? {};
    },
  );

  app.get(
    '/orgs/:id/contract',
    api({ role: 'viewer', summary: 'The terms agreed with a customer', params: idParams }),
    async (request) => (await orgOr404(tenancy, parseInput(idParams, request.params, 'path').id)).contract ?? {},
  );

  app.put(
    '/orgs/:id/contract',
    api({
      role: 'operator',
      summary: 'Set the terms agreed with a customer',
      params: idParams,
      body: contractTermsSchema,
    }),
    async (request) => {
      const org = await orgOr404(tenancy, parseInput(idParams, request.params, 'path').id);
      const contract = parseInput(contractTermsSchema, request.body);
      const stored = isEmpty(contract) ? null : contract;
      await tenancy.updateOrg(org.id, { contract: stored });
      await audit.append({
        actor: actorOf(request),
        action: 'org.contract.updated',
        subject_type: 'org',
        subject_id: org.id,
        data: { contract: stored },
      });
      return stored ?? {};
    },
  );
}

/**
 * Names checked against the configuration (a misspelt exclusion would exclude nothing, a misspelt allow-list
 * everything), and model aliases stored as the model's name, which is what the policy compares.
 */
function known(prefs: OrgPreferences, catalogue: Catalogue, config: Readonly<ConduitConfig>): OrgPreferences {
  const vendors = new Set(config.vendors.map((v) => v.id));
  const regions = new Set(config.regions.map((r) => r.id));
  const check = (field: 'vendors' | 'regions', names: ReadonlySet<string>, what: string) => {
    for (const list of ['allow', 'deny'] as const) {
      prefs[field]?.[list]?.forEach((n, i) => {
        if (!names.has(n))
          throw new GatewayError('invalid_value', `Unknown ${what} '${n}' (known: ${[...names].join(', ')}).`, {
            param: `${field}.${list}[${i}]`,
          });
      });
    }
  };
  check('vendors', vendors, 'vendor');
  check('regions', regions, 'region');
  if (!prefs.models) return prefs;
  const models: Record<string, string[]> = {};
  for (const list of ['allow', 'deny'] as const) {
    const names = prefs.models[list];
    if (!names) continue;
    models[list] = [
      ...new Set(
        names.map((n, i) => {
          const model = catalogue.resolve(n);
          if (!model)
            throw new GatewayError('invalid_value', `Unknown model '${n}': not in the catalogue.`, {
              param: `models.${list}[${i}]`,
            });
          return model.name;
        }),
      ),
    ];
  }
  return { ...prefs, models };
}
