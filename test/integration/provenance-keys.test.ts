// Signing keys at rest and over their life: private keys sealed (AES-256-GCM under a key-encryption key from the
// environment or DATA/key-encryption-key), plaintext keys of older versions sealed on start without a trace left in the
// files; rotation on the audit record, and revocation that the JWKS, jose, verify-manifest, verify and `conduit verify` see.
import { execFile } from 'node:child_process';
import { createHash, createHmac, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { compactVerify, createLocalJWKSet, errors as joseErrors } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { tokenFor } from '../helpers/principals.ts';

const run = promisify(execFile);
const KEK_ENV = 'CONDUIT_KEY_ENCRYPTION_KEY';
const messages = [
  { role: 'user' as const, content: 'Write three paragraphs about harbours, tides and the ships that wait for them.' },
];

let open: TestGateway[] = [];
const savedEnv = process.env[KEK_ENV];
afterEach(async () => {
  for (const gw of open) await gw.close();
  open = [];
  if (savedEnv === undefined) delete process.env[KEK_ENV];
  else process.env[KEK_ENV] = savedEnv;
});
async function start(dataDir: string): Promise<TestGateway> {
  const gw = await startTestGateway({ dataDir });
  open.push(gw);
  return gw;
}
async function stop(gw: TestGateway): Promise<void> {
  open = open.filter((g) => g !== gw);
  await gw.close();
}
async function jwks(gw: TestGateway): Promise<{ keys: Array<Record<string, any>> }> {
  return (await (await fetch(`${gw.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, any>> };
}
async function signedCompletion(gw: TestGateway, key: string): Promise<{ manifest: string; text: string }> {
  const res = await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages });
  return {
    manifest: (res as unknown as { provenance: { manifest: string } }).provenance.manifest,
    text: res.choices[0]!.message.content!,
  };
}
const verifyManifest = async (gw: TestGateway, body: unknown) =>
  (
    await fetch(`${gw.url}/v1/provenance/verify-manifest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json() as Promise<Record<string, any>>;
/** Every byte the database keeps on disk: the file and, if there is one, its WAL. */
const databaseBytes = (dir: string) =>
  Buffer.concat(
    ['conduit.sqlite', 'conduit.sqlite-wal']
      .filter((f) => existsSync(join(dir, f)))
      .map((f) => readFileSync(join(dir, f))),
  );

describe('private keys at rest', () => {
  it('are sealed under the key-encryption key, open on the next start, and a wrong or malformed key stops the start', async () => {
    delete process.env[KEK_ENV];
    const dataDir = tempDir();
    let gw = await start(dataDir);
    const before = await jwks(gw);
    const { key } = await gw.newOrgKey({ country: 'US' });
    const { manifest } = await signedCompletion(gw, key);
    await stop(gw);

    const kek = Buffer.from(readFileSync(join(dataDir, 'key-encryption-key'), 'utf8').trim(), 'base64');
    expect(kek).toHaveLength(32);
    const db = new Database(join(dataDir, 'conduit.sqlite'), { readonly: true });
    const rows = db.prepare('select kid, private_pem from signing_keys').all() as Array<{
      kid: string;
      private_pem: string;
    }>;
    db.close();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.private_pem).toMatch(/^aes-256-gcm:v1:/);
    expect(databaseBytes(dataDir).includes('PRIVATE KEY')).toBe(false);

    gw = await start(dataDir);
    expect(await jwks(gw)).toEqual(before);
    expect(await verifyManifest(gw, { manifest })).toMatchObject({ valid: true, key: { status: 'active' } });
    await stop(gw);

    process.env[KEK_ENV] = randomBytes(32).toString('base64');
    await expect(startTestGateway({ dataDir })).rejects.toThrow(/sealed with another key-encryption key/);
    process.env[KEK_ENV] = 'not-a-key';
    await expect(startTestGateway({ dataDir })).rejects.toThrow(/must be 32 random bytes in base64/);
  });

  it('with CONDUIT_KEY_ENCRYPTION_KEY set, writes no key file, and needs that key to start again', async () => {
    process.env[KEK_ENV] = randomBytes(32).toString('base64');
    const dataDir = tempDir();
    await stop(await start(dataDir));
    expect(existsSync(join(dataDir, 'key-encryption-key'))).toBe(false);
    await stop(await start(dataDir));
    delete process.env[KEK_ENV];
    await expect(startTestGateway({ dataDir })).rejects.toThrow(/CONDUIT_KEY_ENCRYPTION_KEY/);
  });

  it('that an older version stored in plain text are sealed on start and leave no trace in the files; the keys and pseudonyms stay', async () => {
    delete process.env[KEK_ENV];
    const dataDir = tempDir();
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const x = (createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x;
    const kid = createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
    const legacy = await openSqliteStore(dataDir);
    await legacy.signingKeys.save({
      kid,
      created_at: '2025-01-01T00:00:00.000Z',
      retired_at: null,
      private_pem: pem,
      cert_chain_pem: null,
    });
    await legacy.close();
    const body = pem.split('\n')[1]!;
    expect(databaseBytes(dataDir).includes(body)).toBe(true);

    const gw = await start(dataDir);
    expect((await jwks(gw)).keys.map((k) => k.kid)).toEqual([kid]);
    const { orgId, key } = await gw.newOrgKey({ country: 'US' });
    const { manifest } = await signedCompletion(gw, key);
    const claims = (await verifyManifest(gw, { manifest })).claims;
    expect(claims.customer).toBe(
      `cus_${createHmac('sha256', Buffer.from(pem)).update(orgId).digest('base64url').slice(0, 22)}`,
    );
    await stop(gw);
    const bytes = databaseBytes(dataDir);
    expect(bytes.includes(body)).toBe(false);
    expect(bytes.includes('PRIVATE KEY')).toBe(false);
  });
});

describe('rotation and revocation', () => {
  it('rotation is audited with the key ids; a retired key is revoked with a reason, and every verifier is told', async () => {
    const gw = await start(tempDir());
    const { orgId, key } = await gw.newOrgKey({ country: 'US' });
    await gw.admin('PUT', `/orgs/${orgId}/disclosure`, { c2pa_text: true });
    const old = await signedCompletion(gw, key);
    const [oldKid] = (await jwks(gw)).keys.map((k) => k.kid as string);

    expect((await gw.admin('POST', `/provenance/keys/${oldKid}/revoke`, { reason: 'too soon' })).body.error.code).toBe(
      'key_in_use',
    );
    const rotated = await fetch(`${gw.url}/admin/v1/provenance/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor(gw, 'ops@example.com', 'admin')}` },
    });
    const { key: newKey, retired } = (await rotated.json()) as { key: { kid: string }; retired: string[] };
    expect(retired).toEqual([oldKid]);
    const rotation = (await gw.admin('GET', '/audit?action=provenance.key_rotated')).body.data;
    expect(rotation).toEqual([
      expect.objectContaining({
        actor: 'ops@example.com',
        subject_type: 'signing_key',
        subject_id: newKey.kid,
        data: { kid: newKey.kid, retired: [oldKid] },
      }),
    ]);

    expect((await gw.admin('POST', `/provenance/keys/${oldKid}/revoke`, {})).body.error.param).toBe('reason');
    expect((await gw.admin('POST', '/provenance/keys/nope/revoke', { reason: 'x' })).status).toBe(404);
    const revoked = await gw.admin('POST', `/provenance/keys/${oldKid}/revoke`, { reason: 'key compromised' });
    expect(revoked.status).toBe(200);
    expect((await gw.admin('POST', `/provenance/keys/${oldKid}/revoke`, { reason: 'again' })).body.error.code).toBe(
      'key_already_revoked',
    );
    const revocation = (await gw.admin('GET', '/audit?action=provenance.key_revoked')).body.data;
    expect(revocation).toEqual([expect.objectContaining({ subject_id: oldKid, reason: 'key compromised' })]);

    // The JWKS: still listed, with when and why, and no key operations; jose no longer picks it.
    const set = await jwks(gw);
    const listed = set.keys.find((k) => k.kid === oldKid)!;
    expect(listed).toMatchObject({
      revoked_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      revocation_reason: 'key compromised',
      key_ops: [],
    });
    expect(listed).not.toHaveProperty('use');
    await expect(compactVerify(old.manifest, createLocalJWKSet(set as never))).rejects.toBeInstanceOf(
      joseErrors.JWKSNoMatchingKey,
    );
    const fresh = await signedCompletion(gw, key);
    await expect(compactVerify(fresh.manifest, createLocalJWKSet(set as never))).resolves.toBeDefined();

    expect(await verifyManifest(gw, { manifest: old.manifest })).toMatchObject({
      valid: false,
      signature_valid: true,
      kid: oldKid,
      key: { status: 'revoked', revocation_reason: 'key compromised', revoked_at: listed.revoked_at },
    });
    expect(await verifyManifest(gw, { manifest: fresh.manifest })).toMatchObject({
      valid: true,
      key: { status: 'active' },
    });
    const inBand = (await (
      await fetch(`${gw.url}/v1/provenance/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: old.text }),
      })
    ).json()) as Record<string, any>;
    expect(inBand.c2pa).toMatchObject({ signed_by_this_gateway: true, kid: oldKid, key: { status: 'revoked' } });

    // conduit verify says so, and exits non-zero.
    const file = join(tempDir(), 'manifest.jws');
    writeFileSync(file, old.manifest);
    const cli = await run('node', ['bin/conduit.mjs', 'verify', file, '--url', gw.url]).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(
      new RegExp(`manifest NOT valid: signed by key ${oldKid}, REVOKED at .* \\(key compromised\\)`),
    );
  });
});
