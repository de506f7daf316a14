import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ed25519Implementation, ed25519SigningKey, signEd25519 } from './ed25519.mjs';

const { privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('Ed25519 signing', () => {
  it('signs with libsodium where it is installed, byte for byte what node:crypto signs', () => {
    // The package is a dependency with a prebuilt binary for this platform; falling back here would be a bug.
    expect(ed25519Implementation).toBe('libsodium');
    const key = ed25519SigningKey(pem);
    for (const text of ['', 'a', 'é'.repeat(300), 'x'.repeat(5000)]) {
      const message = Buffer.from(text);
      const signature = signEd25519(key, message);
      expect(signature.equals(sign(null, message, privateKey))).toBe(true);
      expect(verify(null, message, createPublicKey(privateKey), signature)).toBe(true);
    }
  });

  it('refuses a private key that is not Ed25519', () => {
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => ed25519SigningKey(ec.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(/expected an Ed25519 private key, got ec/);
  });
});
