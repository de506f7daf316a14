// Admin API authentication: a bearer token compared in constant time (the bootstrap token, or a principal's,
// stored hashed), then the role the route declares (src/server/api.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { GatewayError } from '../errors.ts';
import { bearerToken } from '../tenancy/api-keys.ts';
import type { AdminPrincipal, AdminPrincipals } from '../tenancy/principals.ts';
import { roleAllows } from '../tenancy/roles.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling the admin API, once authenticated (undefined elsewhere). */
    adminPrincipal?: AdminPrincipal;
  }
}

/** Whether a presented token is the admin token, compared in constant time. */
export function adminTokenCheck(token: string): (presented: string) => boolean {
  const expected = createHash('sha256').update(token).digest();
  return (presented) => presented !== '' && timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
}

export function adminGuard(token: string): (request: FastifyRequest) => Promise<void> {
  const isAdmin = adminTokenCheck(token);
  return async (request) => {
    if (!isAdmin(bearerToken(request.headers.authorization))) {
      throw new GatewayError(
        'invalid_admin_token',
        'Admin API: provide the admin token as "Authorization: Bearer TOKEN".',
      );
    }
  };
}

/** Authenticates the caller as an admin principal, then checks the role the route declares (403 insufficient_role). */
export function adminPrincipalGuard(principals: AdminPrincipals): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const principal = await principals.authenticate(bearerToken(request.headers.authorization));
    if (!principal) {
      throw new GatewayError(
        'invalid_admin_token',
        'Admin API: provide the admin token or a principal\'s token as "Authorization: Bearer TOKEN".',
      );
    }
    request.adminPrincipal = principal;
    // An unknown URL has no route (and no role): it is answered 404 by the not-found handler.
    const needed = request.routeOptions.config?.api?.role;
    if (needed && !roleAllows(principal.role, needed)) {
      throw new GatewayError(
        'insufficient_role',
        `This call needs the role '${needed}' (or 'admin'); ${principal.name} has the role '${principal.role}'.`,
      );
    }
  };
}

/** Refuses, at registration, an admin route that declares no role: start-up fails rather than serve it unchecked. */
export function requireDeclaredRole(route: RouteOptions): void {
  if (!route.config?.api?.role) {
    throw new Error(
      `Admin route ${[route.method].flat().join(',')} ${route.url} declares no role: add role to its api({...}) (src/server/api.ts).`,
    );
  }
}
