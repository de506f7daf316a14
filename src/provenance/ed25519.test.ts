import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import sodium from 'sodium-native';
import { describe, expect, it } from 'vitest';
import { ed25519Implementation, ed25519SigningKey, NONCE_BYTES, nonceBatch, signEd25519 } from './ed25519.mjs';
import { NoncePool } from './nonce-pool.ts';

const { privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const publicKey = createPublicKey(privateKey);
const messages = ['', 'a', 'é'.repeat(300), 'x'.repeat(5000)].map((t) => Buffer.from(t));

describe('Ed25519 signing', () => {
  it('signs with libsodium where it is installed, byte for byte what node:crypto signs', () => {
    // The package is a dependency with a prebuilt binary for this platform; falling back here would be a bug.
    expect(ed25519Implementation).toBe('libsodium');
    const key = ed25519SigningKey(pem);
    for (const message of messages) {
      const signature = signEd25519(key, message);
      expect(signature.equals(sign(null, message, privateKey))).toBe(true);
      expect(verify(null, message, publicKey, signature)).toBe(true);
    }
  });

  it('with the nonce RFC 8032 derives from the message, the online signature is the deterministic one', () => {
    // Proves the scalar arithmetic (S = r + k·a mod L): any error would change the bytes.
    const key = ed25519SigningKey(pem);
    const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const prefix = createHash('sha512').update(seed).digest().subarray(32);
    for (const message of messages) {
      const nonce = Buffer.alloc(NONCE_BYTES);
      sodium.crypto_core_ed25519_scalar_reduce(nonce.subarray(0, 32), createHash('sha512').update(prefix).update(message).digest());
      sodium.crypto_scalarmult_ed25519_base_noclamp(nonce.subarray(32), nonce.subarray(0, 32));
      expect(signEd25519(key, message, nonce).equals(sign(null, message, privateKey))).toBe(true);
    }
  });

  it('signatures with fresh nonces verify, differ from one another, and use each nonce up', () => {
    const key = ed25519SigningKey(pem);
    const batch = nonceBatch(8);
    const message = Buffer.from('the same text twice');
    const first = signEd25519(key, message, batch.subarray(0, NONCE_BYTES));
    const second = signEd25519(key, message, batch.subarray(NONCE_BYTES, 2 * NONCE_BYTES));
    expect(verify(null, message, publicKey, first)).toBe(true);
    expect(verify(null, message, publicKey, second)).toBe(true);
    expect(first.equals(second)).toBe(false);
    expect(verify(null, Buffer.from('another text'), publicKey, first)).toBe(false);
    // Wiped once used: a nonce used twice would give the private key away.
    expect(batch.subarray(0, 2 * NONCE_BYTES).every((b) => b === 0)).toBe(true);
    expect(batch.subarray(2 * NONCE_BYTES).some((b) => b !== 0)).toBe(true);
  });

  it('refuses a private key that is not Ed25519', () => {
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => ed25519SigningKey(ec.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(/expected an Ed25519 private key, got ec/);
  });
});

describe('nonce pool', () => {
  it('fills from its thread, hands each nonce out once, and refills as they are used', async () => {
    const pool = new NoncePool({ batch: 16, keep: 2 });
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(ok()).toBe(true);
    };
    await until(() => pool.size === 32);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const nonce = pool.take() ?? (await until(() => pool.size > 0), pool.take()!);
      // R is r·B: the nonce is a real one, not filler.
      const R = Buffer.alloc(32);
      sodium.crypto_scalarmult_ed25519_base_noclamp(R, nonce.subarray(0, 32));
      expect(R.equals(nonce.subarray(32))).toBe(true);
      seen.add(nonce.toString('hex'));
      nonce.fill(0);
    }
    expect(seen.size).toBe(40);
    // More were used than it held at first: it refilled, and holds its two batches again (one partly used).
    await until(() => pool.size > 16);
    await pool.close();
  });
});
