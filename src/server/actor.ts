// Who performed an admin action, for the audit log: the authenticated admin principal (src/server/admin-auth.ts).
// The `x-conduit-actor` header (a name the console or CLI sends) is only ever a note, never the actor.
import type { FastifyRequest } from 'fastify';
import { BOOTSTRAP_PRINCIPAL, type AdminPrincipal } from '../tenancy/principals.ts';

/** The principal that is acting (the bootstrap admin outside an authenticated admin request). */
export function principalOf(request: FastifyRequest): AdminPrincipal {
  return request.adminPrincipal ?? BOOTSTRAP_PRINCIPAL;
}

/** The acting principal's name, as audit entries record it. */
export function actorOf(request: FastifyRequest): string {
  return principalOf(request).name;
}

/** What the caller said in `x-conduit-actor`, kept as a note beside the principal (undefined without one). */
export function actorNote(request: FastifyRequest): string | undefined {
  const header = request.headers['x-conduit-actor'];
  const note = (Array.isArray(header) ? header[0] : header)?.trim();
  return note && note.length <= 200 ? note : undefined;
}
