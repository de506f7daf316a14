// Admin API authentication: a bearer token compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors.ts';

export function adminGuard(token: string): (request: FastifyRequest) => Promise<void> {
  const expected = createHash('sha256').update(token).digest();
  return async (request) => {
    const header = request.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const digest = createHash('sha256').update(presented).digest();
    if (!presented || !timingSafeEqual(digest, expected)) {
      throw new GatewayError(401, 'invalid_admin_token', 'Admin API: provide the admin token as "Authorization: Bearer TOKEN".');
    }
  };
}
