// The in-band mark must be a real C2PA manifest store: an independent C2PA implementation (@trustnxt/c2pa-ts)
// reads it from the text wrapper and validates its signature, certificate profile, hashed URIs and hard binding.
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { c2paTs } from '../../../test/helpers/c2pa-reader.ts';
import { issueChain, pemToDer } from './credentials.ts';
import { readTextManifest, textManifestWrapper, type C2paSigner } from './text-manifest.ts';
import { encodeWrapper, locateWrapper } from './text-wrapper.ts';

let signer: C2paSigner;
beforeAll(async () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const chain = await issueChain(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'test-kid-000000');
  signer = { privateKey, chain: chain.map(pemToDer) };
});

const claims = { vendor: 'openai', model: 'gpt-4o', region: 'eu-west', request_id: 'req_1', manifest: 'a.b.c' };

describe('C2PA text manifest', () => {
  for (const text of [
    'Rivers carve valleys over long ages.',
    'Übergrößenträger sagen: "naïve café" — 日本語のテキスト 🎉 ok.',
  ]) {
    it(`validates in an independent C2PA reader (${text.slice(0, 12)}…)`, async () => {
      const marked = text + textManifestWrapper(text, claims, signer, '0.1.0');
      const { store, codes, errors } = await c2paTs(marked);
      expect(errors).toEqual([]);
      expect(codes).toEqual(
        expect.arrayContaining([
          'claimSignature.validated',
          'signingCredential.trusted',
          'assertion.dataHash.match',
          'assertion.hashedURI.match',
        ]),
      );
      expect(store.manifests).toHaveLength(1);
      expect(store.manifests[0]!.claim!.claimGeneratorName).toBe('Conduit');
      const ours = readTextManifest(marked)!;
      expect(ours).toMatchObject({
        text,
        signature_valid: true,
        assertions_intact: true,
        content_matches: true,
        claims,
      });
    });
  }

  it('detects an edited text and a forged signature', async () => {
    const text = 'The original generated text, exactly as served.';
    const marked = text + textManifestWrapper(text, claims, signer, '0.1.0');
    const edited = marked.replace('original', 'oRiginal');
    expect((await c2paTs(edited)).errors.join()).toMatch(/assertion\.dataHash\.mismatch/);
    expect(readTextManifest(edited)).toMatchObject({ signature_valid: true, content_matches: false });
    const other = generateKeyPairSync('ed25519').privateKey;
    const forged = text + textManifestWrapper(text, claims, { ...signer, privateKey: other }, '0.1.0');
    expect((await c2paTs(forged)).errors.join()).toMatch(/claimSignature\.mismatch/);
    expect(readTextManifest(forged)!.signature_valid).toBe(false);
  });

  it('notices an assertion altered under a valid signature', async () => {
    const text = 'Served by model gpt-4o.';
    const marked = text + textManifestWrapper(text, claims, signer, '0.1.0');
    const store = Buffer.from(locateWrapper(marked)!.store);
    const at = store.indexOf('gpt-4o');
    store.write('gpt-5o', at, 'latin1');
    const altered = text + encodeWrapper(store);
    expect((await c2paTs(altered)).errors.join()).toMatch(/assertion\.hashedURI\.mismatch/);
    expect(readTextManifest(altered)).toMatchObject({
      signature_valid: true,
      assertions_intact: false,
      claims: { model: 'gpt-5o' },
    });
  });

  it('reads and verifies a manifest signed with ECDSA P-256 (ES256), as trust-listed CAs issue', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const chain = (
      await issueChain(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'es256-kid-0000')
    ).map(pemToDer);
    const text = 'Signed by another kind of key.';
    const marked = text + textManifestWrapper(text, claims, { privateKey, chain }, '0.1.0');
    const { errors, codes } = await c2paTs(marked);
    expect(errors).toEqual([]);
    expect(codes).toContain('claimSignature.validated');
    expect(readTextManifest(marked)).toMatchObject({
      signature_valid: true,
      content_matches: true,
      signer: { algorithm: 'ES256' },
    });
  });

  it('finds no manifest in plain or stripped text, and names what is wrong in a damaged one', () => {
    expect(readTextManifest('plain text')).toBeNull();
    const text = 'Some text.';
    const marked = text + textManifestWrapper(text, claims, signer, '0.1.0');
    expect(readTextManifest(marked.replace(/[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g, ''))).toBeNull();
    const located = locateWrapper(marked)!;
    expect(located.text).toBe(text);
    expect(located.start).toBe(Buffer.byteLength(text));
  });
});
