import type { KeyObject } from 'node:crypto';

export interface Ed25519SigningKey {
  readonly key: KeyObject;
  readonly secret: Buffer | null;
}

export const ed25519Implementation: 'libsodium' | 'node:crypto';

/** A signing key from a PKCS#8 PEM; throws unless it is an Ed25519 private key. */
export function ed25519SigningKey(pem: string): Ed25519SigningKey;

/** The 64-byte signature of `message`. */
export function signEd25519(signingKey: Ed25519SigningKey, message: Buffer): Buffer;
