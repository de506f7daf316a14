import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ADMIN_ROLES, roleAllows } from '../tenancy/roles.ts';
import { requireDeclaredRole } from './admin-auth.ts';
import { api } from './api.ts';

describe('admin roles', () => {
  it('admin may call every route, every role a viewer route, otherwise only the role named', () => {
    for (const held of ADMIN_ROLES) {
      expect(roleAllows(held, 'viewer')).toBe(true);
      expect(roleAllows('admin', held)).toBe(true);
      expect(roleAllows(held, 'admin')).toBe(held === 'admin');
    }
    expect(roleAllows('finance', 'operator')).toBe(false);
    expect(roleAllows('compliance', 'compliance')).toBe(true);
    expect(roleAllows('viewer', 'finance')).toBe(false);
  });

  it('an admin route that declares no role stops the start', async () => {
    const app = Fastify();
    app.register(
      async (admin) => {
        admin.addHook('onRoute', requireDeclaredRole);
        admin.get('/declared', api({ summary: 'declared', role: 'viewer' }), async () => ({}));
        admin.post('/forgotten', api({ summary: 'no role', body: null }), async () => ({}));
      },
      { prefix: '/admin/v1' },
    );
    await expect(app.ready()).rejects.toThrow(/POST \/admin\/v1\/forgotten declares no role/);
    await app.close().catch(() => undefined);
  });

  it('routes that all declare one start', async () => {
    const app = Fastify();
    app.register(
      async (admin) => {
        admin.addHook('onRoute', requireDeclaredRole);
        admin.get('/declared', api({ summary: 'declared', role: 'viewer' }), async () => ({}));
      },
      { prefix: '/admin/v1' },
    );
    await expect(app.ready()).resolves.toBeDefined();
    await app.close();
  });
});
