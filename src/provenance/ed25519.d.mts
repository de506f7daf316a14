import type { KeyObject } from 'node:crypto';

/** Either libsodium's secret key (in sodium_malloc memory) or, on the node:crypto path, the KeyObject. */
export interface Ed25519SigningKey {
  readonly key: KeyObject | null;
  readonly secret: Buffer | null;
}

export const ed25519Implementation: 'libsodium' | 'node:crypto';

/** A signing key from a PKCS#8 PEM; throws unless it is an Ed25519 private key. */
export function ed25519SigningKey(pem: string): Ed25519SigningKey;

/** The 64-byte signature of `message`: RFC 8032's deterministic Ed25519. */
export function signEd25519(signingKey: Ed25519SigningKey, message: Buffer): Buffer;
