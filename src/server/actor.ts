// Who performed an admin action, for the audit log: the `x-conduit-actor` header (an operator's name or
// email, set by the console or CLI), else "admin".
import type { FastifyRequest } from 'fastify';

export function actorOf(request: FastifyRequest): string {
  const header = request.headers['x-conduit-actor'];
  const actor = (Array.isArray(header) ? header[0] : header)?.trim();
  return actor && actor.length <= 200 ? actor : 'admin';
}
