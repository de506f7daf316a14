// Admin API: organisations, their API keys and their usage.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors.ts';
import type { UsageStore } from '../../store/ports.ts';
import { toPublicKey, type Tenancy } from '../../tenancy/tenancy.ts';
import { parseInput } from '../validate.ts';
import { api } from '../api.ts';
import { actorOf } from '../actor.ts';
import { orgOr404 as findOrg } from '../lookups.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { kybFields } from '../../vetting/kyb.ts';
import { ownershipSchema } from '../../vetting/schema.ts';
import type { VettingService } from '../../vetting/service.ts';

const tierSchema = z.enum(['trial', 'verified', 'strategic']);
// Unknown fields are ignored (zod strips them) so that clients written today keep working.
const newOrgSchema = z.object({
  name: z.string().trim().min(1, 'must be a non-empty string').max(200),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "DE"')
    .transform((c) => c.toUpperCase()),
  tier: tierSchema.optional(),
  /** Owners with their shares, as in applications: screened with the organisation, and kept for ownership look-through. */
  ownership: ownershipSchema.optional(),
  /** The people behind it and document references, as in applications: the people are screened too. */
  ...kybFields,
});
const newKeySchema = z.object({ name: z.string().trim().min(1).max(200).optional() });
const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date or time')
  .transform((v) => new Date(v).toISOString());
const rangeSchema = z.object({ from: isoDate.optional(), to: isoDate.optional() });
const idParams = z.object({ id: z.string().min(1) });
const keyParams = z.object({ id: z.string(), keyId: z.string() });

export function adminTenancyRoutes(
  app: FastifyInstance,
  deps: { tenancy: Tenancy; usage: UsageStore; audit: AuditLog; vetting: VettingService },
): void {
  const { tenancy, usage, audit, vetting } = deps;

  const orgOr404 = (id: string) => findOrg(tenancy, id);

  app.post(
    '/orgs',
    api({
      role: 'operator',
      summary:
        'Create an organisation: screened with its owners, approved at once unless a sanctions hit sends it to review (unknown fields are ignored)',
      body: newOrgSchema,
      status: 201,
    }),
    async (request, reply) => {
      const input = parseInput(newOrgSchema, request.body);
      // A known customer onboarded outside the system: screened like any other, and the decision recorded like any other.
      const org = await vetting.createByOperator(input, actorOf(request));
      reply.code(201);
      return org;
    },
  );

  app.get('/orgs', api({ role: 'viewer', summary: 'List organisations' }), async () => ({
    object: 'list',
    data: await tenancy.listOrgs(),
  }));

  app.get('/orgs/:id', api({ role: 'viewer', summary: 'One organisation', params: idParams }), async (request) =>
    orgOr404(parseInput(idParams, request.params, 'path').id),
  );

  app.post(
    '/orgs/:id/keys',
    api({
      role: 'operator',
      summary: "Create an API key (the answer's key is the secret, shown once)",
      params: idParams,
      body: newKeySchema,
      status: 201,
    }),
    async (request, reply) => {
      const org = await orgOr404(parseInput(idParams, request.params, 'path').id);
      const { name } = parseInput(newKeySchema, request.body);
      const { record, secret } = await tenancy.createKey(org.id, name ?? null);
      reply.code(201);
      return { ...toPublicKey(record), key: secret };
    },
  );

  app.get(
    '/orgs/:id/keys',
    api({ role: 'viewer', summary: "An organisation's API keys (never their secrets)", params: idParams }),
    async (request) => {
      const org = await orgOr404(parseInput(idParams, request.params, 'path').id);
      return { object: 'list', data: (await tenancy.listKeys(org.id)).map(toPublicKey) };
    },
  );

  app.delete(
    '/orgs/:id/keys/:keyId',
    api({ role: 'operator', summary: 'Revoke an API key: it stops working at once', params: keyParams, body: null }),
    async (request) => {
      const { id, keyId } = parseInput(keyParams, request.params, 'path');
      await orgOr404(id);
      const record = await tenancy.revokeKey(id, keyId);
      if (!record)
        throw new GatewayError('key_not_found', `No key with id '${keyId}' in organisation '${id}'.`, {
          param: 'keyId',
        });
      await audit.append({
        actor: actorOf(request),
        action: 'key.revoked',
        subject_type: 'key',
        subject_id: keyId,
        data: { org_id: id },
      });
      return toPublicKey(record);
    },
  );

  app.get(
    '/orgs/:id/usage',
    api({
      role: 'viewer',
      summary: "An organisation's usage totals over an optional time range",
      params: idParams,
      querystring: rangeSchema,
    }),
    async (request) => {
      const org = await orgOr404(parseInput(idParams, request.params, 'path').id);
      const range = parseInput(rangeSchema, request.query, 'query');
      return { org_id: org.id, ...range, ...(await usage.totals(org.id, range)) };
    },
  );
}
