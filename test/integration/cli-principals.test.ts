// `conduit principals create|list|delete` against a running gateway.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const run = promisify(execFile);
const conduit = (args: string[], env: Record<string, string>) =>
  run('node', ['bin/conduit.mjs', ...args], { env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe('conduit principals', () => {
  it('creates, lists and deletes principals; the role decides what their token may do', async () => {
    const env = { CONDUIT_URL: gw.url, CONDUIT_ADMIN_TOKEN: gw.adminToken };
    const created = await conduit(
      ['principals', 'create', '--name', 'Fay Finance', '--role', 'finance', '--json'],
      env,
    );
    expect(created.code).toBe(0);
    const fay = JSON.parse(created.stdout) as { id: string; name: string; role: string; token: string };
    expect(fay).toMatchObject({ name: 'Fay Finance', role: 'finance', token: expect.stringMatching(/^cdt-prn-/) });

    const list = await conduit(['principals', 'list'], env);
    expect(list.stdout).toMatch(new RegExp(`${fay.id}\\s+Fay Finance\\s+finance`));
    expect(list.stdout).not.toContain(fay.token);

    // Her token reads, and refuses what is not finance's, naming the role it needs.
    const asFay = { CONDUIT_URL: gw.url, CONDUIT_ADMIN_TOKEN: fay.token };
    expect((await conduit(['orgs', 'list'], asFay)).code).toBe(0);
    const refused = await conduit(['orgs', 'create', '--name', 'Nope Ltd', '--country', 'DE'], asFay);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/403: .*'operator'/);
    expect((await conduit(['principals', 'list'], asFay)).stderr).toMatch(/403: .*'admin'/);

    const badRole = await conduit(['principals', 'create', '--name', 'x', '--role', 'root'], env);
    expect(badRole.code).toBe(1);

    const deleted = await conduit(['principals', 'delete', fay.id], env);
    expect(deleted.stdout).toMatch(new RegExp(`deleted ${fay.id} \\(Fay Finance\\)`));
    expect((await conduit(['orgs', 'list'], asFay)).stderr).toMatch(/401/);
  });
});
