// GET /admin/v1/openapi.json: this gateway's API document (../openapi.ts), built on the first request, once every
// route is registered.
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../version.ts';
import { api } from '../api.ts';
import { dataPlaneApi } from '../data-plane-api.ts';
import { openApiDocument, type RegisteredRoute } from '../openapi.ts';

export function adminOpenApiRoutes(app: FastifyInstance, routes: readonly RegisteredRoute[]): void {
  let document: Record<string, unknown> | undefined;
  app.get(
    '/openapi.json',
    api({ role: 'viewer', summary: 'This document: the OpenAPI 3.1 description of the admin API and the data plane' }),
    async () => (document ??= openApiDocument(routes, VERSION, dataPlaneApi)),
  );
}
