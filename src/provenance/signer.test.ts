import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AdaptiveSigner, InlineSigner, ThreadSigner } from './signer.ts';

const { privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const publicKey = createPublicKey(privateKey);
const valid = (input: string, signature: string) => verify(null, Buffer.from(input), publicKey, Buffer.from(signature, 'base64url'));

describe('signers', () => {
  it('inline, threaded and adaptive signers all produce valid Ed25519 signatures', async () => {
    for (const signer of [new InlineSigner(), new ThreadSigner(), new AdaptiveSigner()]) {
      signer.addKey('k', pem);
      // Many at once: the threaded path batches them; the adaptive one moves to the thread.
      const inputs = Array.from({ length: 50 }, (_, i) => `header.payload-${i}`);
      const signatures = await Promise.all(inputs.map((input) => signer.sign('k', input)));
      expect(signatures.every((s, i) => valid(inputs[i]!, s))).toBe(true);
      expect(valid('header.other', signatures[0]!)).toBe(false);
      await signer.close();
    }
  });
});
