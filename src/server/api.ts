// What a route takes, declared with the zod schemas its handler parses its input with. GET /admin/v1/openapi.json
// is generated from these declarations (./openapi.ts): the schemas that validate are the ones documented.
import type { z } from 'zod';
import type { AdminRole } from '../tenancy/roles.ts';

export interface ApiRoute {
  /** One line: what the call does. */
  summary: string;
  /** Path parameters (`:id` in the route's URL). */
  params?: z.ZodObject;
  querystring?: z.ZodObject;
  /** The JSON request body; `null` for a POST, PUT or DELETE that reads none. */
  body?: z.ZodType | null;
  /** The status of a success when it is not 200 (201 for what a call creates). */
  status?: number;
  /** Content types of a success other than JSON (invoices as CSV or HTML). */
  produces?: string[];
  /** Answers the same to any caller: no admin token or API key. */
  public?: boolean;
  /** The admin role a route needs (every /admin/v1 route declares one; `admin` may call all, `viewer` is any role). */
  role?: AdminRole;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    api?: ApiRoute;
  }
}

/** Route options that declare what the route takes (for the API document). */
export function api(route: ApiRoute): { config: { api: ApiRoute } } {
  return { config: { api: route } };
}
