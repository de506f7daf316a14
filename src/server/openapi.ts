// The OpenAPI 3.1 document of every route Fastify registered (GET /admin/v1/openapi.json), built from the zod
// schemas each route declares (./api.ts) with zod's own JSON Schema output: nothing here restates a field.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorBodySchema } from '../errors.ts';
import type { ApiRoute } from './api.ts';

export interface RegisteredRoute {
  method: string;
  url: string;
  api: ApiRoute | undefined;
}

/** Records every route as Fastify registers it; call before registering any. */
export function collectRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // HEAD is Fastify's automatic twin of each GET.
      if (method !== 'HEAD' && method !== 'OPTIONS')
        routes.push({ method, url: route.url ?? route.path, api: route.config?.api });
    }
  });
  return routes;
}

type JsonSchema = Record<string, unknown>;

/** On an operation whose input is not (fully) declared, why: the document still lists it, and a test refuses it. */
export const UNDECLARED = 'x-conduit-undeclared';

/**
 * The document. `elsewhere` declares routes whose modules do not declare their own (keyed `METHOD /url`); a route
 * declared neither way is listed with what its URL says (path parameters) and marked UNDECLARED.
 */
export function openApiDocument(
  routes: readonly RegisteredRoute[],
  version: string,
  elsewhere: Readonly<Record<string, ApiRoute>> = {},
): JsonSchema {
  const components: Record<string, JsonSchema> = { Error: schemaOf(errorBodySchema, 'Error', {}) };
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))) {
    const declared = route.api ?? elsewhere[`${route.method} ${route.url}`];
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const name = operationId(route.method, route.url);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, declared, name, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Conduit',
      version,
      description:
        'The admin API (/admin/v1, bearer admin token) and the data plane (/v1, bearer API key) of a Conduit gateway. Request schemas are generated from the zod schemas that validate them. Errors are OpenAI-shaped (Error), except on /v1/messages, which answers in the Anthropic Messages API error format.',
    },
    servers: [{ url: '/' }],
    components: {
      schemas: components,
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            "The admin token (CONDUIT_ADMIN_TOKEN, or DATA/admin-token), or an admin principal's token; each operation's x-conduit-role names the role it needs.",
        },
        apiKey: { type: 'http', scheme: 'bearer', description: "An organisation's API key (sk-cdt-...)." },
      },
    },
    paths,
  };
}

function operation(
  route: RegisteredRoute,
  declared: ApiRoute | undefined,
  name: string,
  components: Record<string, JsonSchema>,
): JsonSchema {
  const op: JsonSchema = {
    operationId: name,
    summary: declared?.summary ?? `${route.method} ${route.url}`,
    tags: [route.url.startsWith('/admin/') ? 'admin' : 'public'],
  };
  const parameters: JsonSchema[] = [];
  const pathNames = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  if (!declared) op[UNDECLARED] = 'the route declares nothing (src/server/api.ts)';
  else if (pathNames.length > 0 && !declared.params) op[UNDECLARED] = 'path parameters not declared (params)';
  else if (['POST', 'PUT', 'PATCH'].includes(route.method) && declared.body === undefined)
    op[UNDECLARED] = 'request body not declared (body, or body: null for none)';
  const params = declared?.params ? schemaOf(declared.params, `${name}Params`, components) : { properties: {} };
  for (const param of pathNames) {
    parameters.push({
      name: param,
      in: 'path',
      required: true,
      schema: (params.properties as Record<string, JsonSchema>)[param] ?? { type: 'string' },
    });
  }
  if (declared?.querystring) {
    const query = schemaOf(declared.querystring, `${name}Query`, components);
    const required = new Set((query.required as string[] | undefined) ?? []);
    for (const [param, schema] of Object.entries((query.properties as Record<string, JsonSchema>) ?? {})) {
      parameters.push({ name: param, in: 'query', required: required.has(param), schema });
    }
  }
  if (parameters.length > 0) op.parameters = parameters;
  if (declared?.body) {
    // Admin bodies that are all optional may be left out (read as {}).
    const required = !declared.body.safeParse({}).success;
    op.requestBody = {
      required,
      content: { 'application/json': { schema: schemaOf(declared.body, `${name}Body`, components) } },
    };
  }
  const success: JsonSchema = { description: 'Success' };
  success.content = Object.fromEntries(['application/json', ...(declared?.produces ?? [])].map((type) => [type, {}]));
  op.responses = {
    [String(declared?.status ?? 200)]: success,
    default: {
      description: 'An error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  };
  op.security = declared?.public ? [] : [{ [route.url.startsWith('/admin/') ? 'adminToken' : 'apiKey']: [] }];
  // The admin role the route needs (src/server/admin-auth.ts): `admin` may call all, and any role a `viewer` route.
  if (declared?.role) op['x-conduit-role'] = declared.role;
  return op;
}

/**
 * A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), for what a client sends (io: input: defaults make a
 * field optional, transforms are described by what they accept). Definitions it needs (recursive schemas) move to
 * components.schemas under `name`, since `#` in a $ref means the whole document here.
 */
function schemaOf(schema: z.ZodType, name: string, components: Record<string, JsonSchema>): JsonSchema {
  const {
    $schema: _dialect,
    $defs,
    ...json
  } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  if (!$defs) return json;
  const target = (def: string) => `#/components/schemas/${name}_${def.replace(/^_+/, '')}`;
  const relink = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(relink);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? target(v.slice(8)) : relink(v),
      ]),
    );
  };
  for (const [def, body] of Object.entries($defs))
    components[`${name}_${def.replace(/^_+/, '')}`] = relink(body) as JsonSchema;
  return relink(json) as JsonSchema;
}

/** `postAdminV1OrgsIdKeys` from POST /admin/v1/orgs/:id/keys. */
function operationId(method: string, url: string): string {
  const words = url.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
