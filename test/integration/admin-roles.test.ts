// Admin principals and roles: every admin route, as Fastify registered it, called with every role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROLES, roleAllows, type AdminRole } from '../../src/tenancy/roles.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
const tokens = new Map<AdminRole, string>();

beforeAll(async () => {
  gw = await startTestGateway();
  for (const role of ADMIN_ROLES) {
    const created = await gw.admin('POST', '/principals', { name: `${role}-person`, role });
    expect(created.status).toBe(201);
    tokens.set(role, created.body.token);
  }
});
afterAll(() => gw.close());

/** Every /admin/v1 route registered, with the role it declares (GET /admin/v1/openapi.json lists what Fastify registered). */
async function adminRoutes(): Promise<Array<{ method: string; path: string; role: AdminRole }>> {
  const doc = (await gw.admin('GET', '/openapi.json')).body as {
    paths: Record<string, Record<string, { 'x-conduit-role'?: AdminRole }>>;
  };
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/admin/v1/'))
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, role: op['x-conduit-role']! })),
    );
}

describe('admin principals and roles', () => {
  it('every admin route declares a role, and principals are admin-only', async () => {
    const routes = await adminRoutes();
    expect(routes.length).toBeGreaterThan(60);
    expect(routes.filter((r) => !r.role)).toEqual([]);
    expect(routes.filter((r) => r.path.startsWith('/admin/v1/principals')).map((r) => r.role)).toEqual([
      'admin',
      'admin',
      'admin',
    ]);
    const roleOf = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)?.role;
    expect(roleOf('PUT', '/admin/v1/pricing')).toBe('finance');
    expect(roleOf('POST', '/admin/v1/orgs/{id}/approve')).toBe('compliance');
    expect(roleOf('POST', '/admin/v1/orgs')).toBe('operator');
    // Configuration reload: operators (and admins); the walk below checks the others get 403.
    expect(roleOf('POST', '/admin/v1/config/reload')).toBe('operator');
    expect(routes.filter((r) => r.method !== 'GET' && r.role === 'viewer')).toEqual([]);
  });

  it('walks every admin route with every role: 403 insufficient_role exactly where the declared role says so', async () => {
    const routes = await adminRoutes();
    const mismatches: string[] = [];
    for (const route of routes) {
      // Path parameters that name nothing: an allowed call fails later (400, 404, 409, 422), never with 403.
      const path = route.path
        .replace('/admin/v1', '')
        .replace(/\{month\}/g, '2026-01')
        .replace(/\{[A-Za-z]+\}/g, 'nothing');
      for (const role of ADMIN_ROLES) {
        const res = await gw.admin(
          route.method,
          path,
          route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
          tokens.get(role),
        );
        const refused = res.status === 403 && res.body?.error?.code === 'insufficient_role';
        if (refused !== !roleAllows(role, route.role))
          mismatches.push(`${role} ${route.method} ${path}: ${res.status} ${res.body?.error?.code ?? ''}`);
        if (refused && !String(res.body.error.message).includes(`'${route.role}'`))
          mismatches.push(`${role} ${route.method} ${path}: message does not name ${route.role}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("creates, lists and deletes principals; a deleted principal's token stops at once", async () => {
    const created = await gw.admin('POST', '/principals', { name: 'erin', role: 'operator' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^prn_/),
      name: 'erin',
      role: 'operator',
      token: expect.stringMatching(/^cdt-prn-/),
    });
    const list = await gw.admin('GET', '/principals');
    expect(list.body.data.map((p: { name: string }) => p.name)).toContain('erin');
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect(JSON.stringify(list.body)).not.toContain('hash');
    expect((await gw.admin('GET', '/principals', undefined, created.body.token)).body.error.code).toBe(
      'insufficient_role',
    );
    expect((await gw.admin('POST', '/orgs', { name: 'Erin Corp', country: 'FR' }, created.body.token)).status).toBe(
      201,
    );
    expect((await gw.admin('POST', '/principals', { name: 'erin', role: 'viewer' })).status).toBe(409);
    expect((await gw.admin('POST', '/principals', { name: 'x', role: 'root' })).status).toBe(400);
    for (const name of ['admin', 'system', 'applicant', 'abuse-detector'])
      expect((await gw.admin('POST', '/principals', { name, role: 'compliance' })).body.error.code).toBe(
        'principal_name_reserved',
      );
    const deleted = await gw.admin('DELETE', `/principals/${created.body.id}`);
    expect(deleted.status).toBe(200);
    const after = await gw.admin('GET', '/orgs', undefined, created.body.token);
    expect(after.status).toBe(401);
    expect((await gw.admin('DELETE', `/principals/${created.body.id}`)).status).toBe(404);
    expect((await gw.admin('GET', '/orgs', undefined, 'cdt-prn-not-a-token')).status).toBe(401);
  });

  it('records the principal that acted, the x-conduit-actor header only as a note', async () => {
    const res = await fetch(`${gw.url}/admin/v1/orgs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.get('operator')}`,
        'content-type': 'application/json',
        'x-conduit-actor': 'mallory',
      },
      body: JSON.stringify({ name: 'Noted Ltd', country: 'DE' }),
    });
    expect(res.status).toBe(201);
    const orgId = ((await res.json()) as { id: string }).id;
    const created = (await gw.admin('GET', `/audit?subject_id=${orgId}&action=org.created`)).body.data;
    expect(created[0].actor).toBe('operator-person');
    const request = (await gw.admin('GET', '/audit?action=admin.request&actor=operator-person')).body.data.find(
      (e: { data: { url: string } }) => e.data.url === '/admin/v1/orgs',
    );
    expect(request.data).toMatchObject({
      principal_id: expect.stringMatching(/^prn_/),
      role: 'operator',
      actor_note: 'mallory',
    });
    expect((await gw.admin('GET', '/audit?actor=mallory')).body.data).toEqual([]);
  });
});
