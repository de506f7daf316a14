// Admin API: the people (or systems) who may use the admin API, each with a role and a token of their own.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log.ts';
import { GatewayError } from '../../errors.ts';
import { BOOTSTRAP_PRINCIPAL, toPublicPrincipal, type AdminPrincipals } from '../../tenancy/principals.ts';
import { ADMIN_ROLES } from '../../tenancy/roles.ts';
import { ABUSE_DETECTOR } from '../../abuse/enforcement.ts';
import { actorOf, principalOf } from '../actor.ts';
import { api } from '../api.ts';
import { parseInput } from '../validate.ts';

const newPrincipalSchema = z.object({
  name: z.string().trim().min(1, 'must be a non-empty string').max(200),
  role: z.enum(ADMIN_ROLES),
});
const idParams = z.object({ id: z.string().min(1) });
/**
 * Names the gateway itself acts under in the audit log (the bootstrap token, automatic approval, applicants, the
 * abuse detector): a principal by one of them would pass for it (abuse enforcement tells its own holds by that name).
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set([BOOTSTRAP_PRINCIPAL.name, 'system', 'applicant', ABUSE_DETECTOR]);

export function adminPrincipalRoutes(
  app: FastifyInstance,
  deps: { principals: AdminPrincipals; audit: AuditLog },
): void {
  const { principals, audit } = deps;

  // The console asks who signed in, to show only the pages and actions the role may use.
  app.get('/whoami', api({ role: 'viewer', summary: 'The calling principal: id, name and role' }), async (request) => {
    const { id, name, role } = principalOf(request);
    return { id, name, role };
  });

  app.post(
    '/principals',
    api({
      summary: "Create an admin principal with a role (the answer's token is shown once)",
      body: newPrincipalSchema,
      status: 201,
      role: 'admin',
    }),
    async (request, reply) => {
      const { name, role } = parseInput(newPrincipalSchema, request.body);
      // Names are what the audit log shows: one active principal per name, and none the gateway acts under itself.
      if (RESERVED_NAMES.has(name.toLowerCase()))
        throw new GatewayError(
          'principal_name_reserved',
          `'${name}' is a name the gateway records its own actions under; choose another name.`,
          { param: 'name' },
        );
      if ((await principals.list()).some((p) => p.name === name))
        throw new GatewayError(
          'principal_name_taken',
          `An admin principal named '${name}' exists already; choose another name.`,
          { param: 'name' },
        );
      const { record, token } = await principals.create(name, role);
      await audit.append({
        actor: actorOf(request),
        action: 'principal.created',
        subject_type: 'principal',
        subject_id: record.id,
        data: { name, role },
      });
      reply.code(201);
      return { id: record.id, name: record.name, role: record.role, created_at: record.created_at, token };
    },
  );

  app.get('/principals', api({ summary: 'The admin principals (never their tokens)', role: 'admin' }), async () => ({
    object: 'list',
    data: (await principals.list()).map(toPublicPrincipal),
  }));

  app.delete(
    '/principals/:id',
    api({
      summary: 'Delete an admin principal: its token stops working at once',
      params: idParams,
      body: null,
      role: 'admin',
    }),
    async (request) => {
      const { id } = parseInput(idParams, request.params, 'path');
      const record = await principals.delete(id);
      if (!record)
        throw new GatewayError('principal_not_found', `No admin principal with id '${id}'.`, { param: 'id' });
      await audit.append({
        actor: actorOf(request),
        action: 'principal.deleted',
        subject_type: 'principal',
        subject_id: id,
        data: { name: record.name, role: record.role },
      });
      return toPublicPrincipal(record);
    },
  );
}
