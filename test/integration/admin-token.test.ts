// The generated admin token is kept in DATA/admin-token and survives a restart with the same data folder, so
// an exported CONDUIT_ADMIN_TOKEN (or the CLI's --data) keeps working.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../src/main.ts';
import { tempDir } from '../helpers/gateway.ts';

const start = (dataDir: string) => startGateway({ dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent' });
const listOrgs = (gateway: Gateway, token: string) =>
  fetch(`${gateway.url}/admin/v1/orgs`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

let saved: string | undefined;
beforeEach(() => {
  saved = process.env.CONDUIT_ADMIN_TOKEN;
  delete process.env.CONDUIT_ADMIN_TOKEN;
});
afterEach(() => {
  if (saved !== undefined) process.env.CONDUIT_ADMIN_TOKEN = saved;
});

describe('generated admin token', () => {
  it('is the same after a restart with the same data folder, in a file only its owner reads', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const token = first.adminToken;
    expect(await listOrgs(first, token)).toBe(200);
    await first.close();

    const second = await start(dataDir);
    try {
      expect(second.adminToken).toBe(token);
      expect(await listOrgs(second, token)).toBe(200);
      expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    } finally {
      await second.close();
    }
  });

  it('is generated anew when the file holds no usable token', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'admin-token'), '\n', { mode: 0o644 });
    const gateway = await start(dataDir);
    try {
      expect(gateway.adminToken).toMatch(/^cdt-admin-/);
      expect(await listOrgs(gateway, gateway.adminToken)).toBe(200);
      expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    } finally {
      await gateway.close();
    }
  });
});
