// Signing keys at rest: private keys sealed (AES-256-GCM under a key-encryption key from the environment or
// DATA/key-encryption-key), plaintext keys of older versions sealed on start without a trace left in the files.
import { createHash, createHmac, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

const KEK_ENV = 'CONDUIT_KEY_ENCRYPTION_KEY';
const messages = [{ role: 'user' as const, content: 'Write three paragraphs about harbours, tides and the ships that wait for them.' }];

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
  return { manifest: (res as unknown as { provenance: { manifest: string } }).provenance.manifest, text: res.choices[0]!.message.content! };
}
const verifyManifest = async (gw: TestGateway, body: unknown) =>
  (await fetch(`${gw.url}/v1/provenance/verify-manifest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, any>>;
/** Every byte the database keeps on disk: the file and, if there is one, its WAL. */
const databaseBytes = (dir: string) => Buffer.concat(['conduit.sqlite', 'conduit.sqlite-wal'].filter((f) => existsSync(join(dir, f))).map((f) => readFileSync(join(dir, f))));

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
    const rows = db.prepare('select kid, private_pem from signing_keys').all() as Array<{ kid: string; private_pem: string }>;
    db.close();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.private_pem).toMatch(/^aes-256-gcm:v1:/);
    expect(databaseBytes(dataDir).includes('PRIVATE KEY')).toBe(false);

    gw = await start(dataDir);
    expect(await jwks(gw)).toEqual(before);
    expect(await verifyManifest(gw, { manifest })).toMatchObject({ valid: true });
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
    await legacy.signingKeys.save({ kid, created_at: '2025-01-01T00:00:00.000Z', retired_at: null, private_pem: pem, cert_chain_pem: null });
    await legacy.close();
    const body = pem.split('\n')[1]!;
    expect(databaseBytes(dataDir).includes(body)).toBe(true);

    const gw = await start(dataDir);
    expect((await jwks(gw)).keys.map((k) => k.kid)).toEqual([kid]);
    const { orgId, key } = await gw.newOrgKey({ country: 'US' });
    const { manifest } = await signedCompletion(gw, key);
    const claims = (await verifyManifest(gw, { manifest })).claims;
    expect(claims.customer).toBe(`cus_${createHmac('sha256', Buffer.from(pem)).update(orgId).digest('base64url').slice(0, 22)}`);
    await stop(gw);
    const bytes = databaseBytes(dataDir);
    expect(bytes.includes(body)).toBe(false);
    expect(bytes.includes('PRIVATE KEY')).toBe(false);
  });
});
