// An operator's own CA (e.g. one on the C2PA trust list) certifies the signing keys: served manifests carry
// [signer, operator CA], validate in an independent C2PA reader, and a wrong CA configuration stops start-up.
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextManifest } from '../../src/provenance/c2pa/text-manifest.ts';
import { c2paTs } from '../helpers/c2pa-reader.ts';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

async function operatorCa(dir: string): Promise<{ certificate_file: string; key_file: string; subject: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Example Reseller C2PA CA, O=Example Reseller',
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 5 * 365 * 86400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  writeFileSync(join(dir, 'ca.pem'), cert.toString('pem'));
  writeFileSync(
    join(dir, 'ca.key'),
    `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`,
  );
  return { certificate_file: join(dir, 'ca.pem'), key_file: join(dir, 'ca.key'), subject: cert.subject };
}

const catalogue = {
  regions: [{ id: 'us-east', country: 'US' }],
  vendors: [{ id: 'openai' }],
  providers: [{ id: 'sim', vendor: 'openai', type: 'simulator', region: 'us-east', models: [{ model: 'gpt-4o' }] }],
  models: [{ name: 'gpt-4o', vendor: 'openai' }],
};
const withIssuer = (certificate_file: string, key_file: string) => ({
  ...catalogue,
  provenance: { c2pa_issuer: { certificate_file, key_file } },
});

let gw: TestGateway;
let ca: Awaited<ReturnType<typeof operatorCa>>;
const dir = tempDir();
beforeAll(async () => {
  ca = await operatorCa(dir);
  gw = await startTestGateway({ config: withIssuer(ca.certificate_file, ca.key_file) });
});
afterAll(() => gw.close());

describe('operator C2PA issuer', () => {
  it('certifies the signing key with the operator CA, and manifests validate', async () => {
    const { orgId, key } = await gw.newOrgKey();
    await gw.admin('PUT', `/orgs/${orgId}/disclosure`, { c2pa_text: true });
    const res = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Certified text please' }] });
    const marked = res.choices[0]!.message.content!;
    expect((await c2paTs(marked)).errors).toEqual([]);
    const found = readTextManifest(marked)!;
    expect(found).toMatchObject({ signature_valid: true, content_matches: true });
    expect(found.signer.issuer).toBe(ca.subject);
    const jwks = (await fetch(`${gw.url}/.well-known/jwks.json`).then((r) => r.json())) as {
      keys: Array<{ x5c: string[] }>;
    };
    expect(new x509.X509Certificate(Buffer.from(jwks.keys.at(-1)!.x5c[1]!, 'base64')).subject).toBe(ca.subject);
  });

  it("refuses to start with a key that is not the CA certificate's, naming the setting", async () => {
    const other = join(dir, 'other.key');
    writeFileSync(
      other,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
    await expect(startTestGateway({ config: withIssuer(ca.certificate_file, other) })).rejects.toThrow(
      /provenance\.c2pa_issuer: the key does not belong to the first certificate/,
    );
    await expect(startTestGateway({ config: withIssuer(join(dir, 'missing.pem'), other) })).rejects.toThrow(
      /provenance\.c2pa_issuer\.certificate_file: cannot read .*ENOENT/,
    );
  });
});
