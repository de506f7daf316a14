// GET /admin/v1/openapi.json: every route the gateway serves, with the schemas that validate its input.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
let doc: any;
beforeAll(async () => {
  gw = await startTestGateway();
  const res = await gw.admin('GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(() => gw.close());

/**
 * `METHOD /path` of every route Fastify has, read from its own route tree (printRoutes), independently of how the
 * document collects them. Lines look like `│   └── /:model (GET, HEAD)`: the depth is where the segment starts.
 */
function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at + 3 - 4) / 4;
    const [, segment, methods] = /^(\S+)(?: \(([^)]*)\))?$/.exec(line.slice(at + 3))!;
    stack[depth] = segment!;
    const path = stack.slice(0, depth + 1).join('');
    for (const method of methods?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

const documented = (route: string) => {
  const [method, path] = route.split(' ') as [string, string];
  return doc.paths[path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[method.toLowerCase()];
};

describe('OpenAPI document', () => {
  it('is served to admins only', async () => {
    expect((await gw.admin('GET', '/openapi.json', undefined, 'wrong')).status).toBe(401);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('is a valid OpenAPI 3.1 document, its references resolved', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('has every route registered under /admin/v1 and /v1, each with its input declared', () => {
    const routes = registeredRoutes(gw.app.printRoutes({ commonPrefix: false })).filter((r) =>
      / \/(admin\/)?v1\//.test(r),
    );
    expect(routes.length).toBeGreaterThan(40);
    for (const route of [
      'POST /v1/chat/completions',
      'POST /v1/messages',
      'GET /admin/v1/orgs/:id/invoices/:month',
      'GET /admin/v1/openapi.json',
    ])
      expect(routes).toContain(route);
    expect(routes.filter((r) => !documented(r))).toEqual([]);
    const undeclared = routes.map((r) => [r, documented(r)['x-conduit-undeclared']]).filter(([, why]) => why);
    expect(undeclared).toEqual([]);
  });

  it('documents request bodies with the schemas that validate them, and the error object', async () => {
    const createOrg = doc.paths['/admin/v1/orgs'].post;
    const body = createOrg.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['name', 'country']);
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['name', 'country', 'tier']));
    expect(body.properties.tier.enum).toEqual(['trial', 'verified', 'strategic']);
    // The fields the schema requires are those a request without them is refused for.
    const refused = await gw.admin('POST', '/orgs', {});
    expect(refused.body.error.details.map((d: { param: string }) => d.param)).toEqual(body.required);
    expect(createOrg.responses['201']).toBeDefined();
    expect(createOrg.security).toEqual([{ adminToken: [] }]);

    const chat = doc.paths['/v1/chat/completions'].post;
    const chatBody = chat.requestBody.content['application/json'].schema;
    expect(chatBody.required).toEqual(['model', 'messages']);
    expect(chatBody.properties.temperature.anyOf[0]).toMatchObject({ type: 'number', minimum: 0, maximum: 2 });
    expect(chat.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/v1/messages'].post.requestBody.content['application/json'].schema.required).toEqual([
      'model',
      'max_tokens',
      'messages',
    ]);
    expect(doc.paths['/v1/applications'].post.security).toEqual([]);
    expect(
      doc.paths['/admin/v1/orgs/{id}/usage'].get.parameters.map(
        (p: { name: string; in: string }) => `${p.in}:${p.name}`,
      ),
    ).toEqual(['path:id', 'query:from', 'query:to']);

    const error = doc.components.schemas.Error;
    expect(error.properties.error.required).toEqual(['message', 'type', 'param', 'code']);
    expect(Object.keys(error.properties.error.properties)).toContain('details');
    expect(createOrg.responses.default.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
  });
});
