// Admin API authentication: a bearer token compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors.ts';
import { bearerToken } from '../tenancy/api-keys.ts';

/** Whether a presented token is the admin token, compared in constant time. */
export function adminTokenCheck(token: string): (presented: string) => boolean {
  const expected = createHash('sha256').update(token).digest();
  return (presented) => presented !== '' && timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
}

export function adminGuard(token: string): (request: FastifyRequest) => Promise<void> {
  const isAdmin = adminTokenCheck(token);
  return async (request) => {
    if (!isAdmin(bearerToken(request.headers.authorization))) {
      throw new GatewayError(401, 'invalid_admin_token', 'Admin API: provide the admin token as "Authorization: Bearer TOKEN".');
    }
  };
}
