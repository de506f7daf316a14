import type { KeyObject } from 'node:crypto';

export interface Ed25519SigningKey {
  readonly key: KeyObject;
  readonly secret: Buffer | null;
  readonly publicKey: Buffer | null;
  readonly scalar: bigint;
}

export const ed25519Implementation: 'libsodium' | 'node:crypto';

/** Bytes of one precomputed nonce: the scalar r, then the encoded point R = r·B. */
export const NONCE_BYTES: 64;

/** Whether this process can make nonces ahead of time (libsodium loaded). */
export const canPrecomputeNonces: boolean;

/** A signing key from a PKCS#8 PEM; throws unless it is an Ed25519 private key. */
export function ed25519SigningKey(pem: string): Ed25519SigningKey;

/** `count` fresh nonces, NONCE_BYTES each. */
export function nonceBatch(count: number): Buffer;

/** The 64-byte signature of `message`; with `nonce` (never used before), signs with it and wipes it. */
export function signEd25519(signingKey: Ed25519SigningKey, message: Buffer, nonce?: Buffer): Buffer;
