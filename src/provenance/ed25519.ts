// Ed25519 signatures for provenance manifests. Each signature is one whole call into a vetted library:
// libsodium's crypto_sign_detached (sodium-native) when it loads, node:crypto's sign() otherwise or with
// CONDUIT_ED25519=node (comparisons, platforms without a prebuilt sodium). Both implement RFC 8032's
// deterministic Ed25519, so both give the same bytes. All arithmetic on secrets stays inside the library:
// done in JavaScript it would be neither constant-time nor wipeable.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';

type Sodium = typeof import('sodium-native');

function loadSodium(): Sodium | null {
  if (process.env.CONDUIT_ED25519 === 'node') return null;
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return null;
  }
}
const sodium = loadSodium();

/** Either libsodium's secret key (in sodium_malloc memory) or, on the node:crypto path, the KeyObject. */
export type Ed25519SigningKey =
  { readonly key: KeyObject; readonly secret: null } | { readonly key: null; readonly secret: Buffer };

/** Which implementation signs. */
export const ed25519Implementation: 'libsodium' | 'node:crypto' = sodium ? 'libsodium' : 'node:crypto';

/** An Ed25519 private key in DER PKCS#8 (RFC 8410): this fixed prefix, then the 32-byte seed. */
const PKCS8_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A signing key from a PKCS#8 PEM; throws unless it is an Ed25519 private key. */
export function ed25519SigningKey(pem: string): Ed25519SigningKey {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`expected an Ed25519 private key, got ${key.asymmetricKeyType}`);
  if (!sodium) return { key, secret: null };
  // The seed comes out as DER (a Buffer we can wipe, unlike a JWK's string). libsodium's 64-byte secret key
  // goes to sodium_malloc memory: outside the JS heap, kept out of swap where the system allows, zeroed when freed.
  const der = key.export({ format: 'der', type: 'pkcs8' });
  try {
    if (
      der.length !== PKCS8_SEED_PREFIX.length + sodium.crypto_sign_SEEDBYTES ||
      !der.subarray(0, PKCS8_SEED_PREFIX.length).equals(PKCS8_SEED_PREFIX)
    ) {
      throw new Error('unexpected PKCS#8 encoding of an Ed25519 key');
    }
    const secret = sodium.sodium_malloc(sodium.crypto_sign_SECRETKEYBYTES);
    sodium.crypto_sign_seed_keypair(
      Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES),
      secret,
      der.subarray(PKCS8_SEED_PREFIX.length),
    );
    // Signing only reads it; a stray write would now fault instead of corrupting the key.
    sodium.sodium_mprotect_readonly(secret);
    return { key: null, secret };
  } finally {
    sodium.sodium_memzero(der);
  }
}

/** The 64-byte signature of `message`: RFC 8032's deterministic Ed25519. */
export function signEd25519(signingKey: Ed25519SigningKey, message: Buffer): Buffer {
  if (signingKey.secret === null) return sign(null, message, signingKey.key);
  const signature = Buffer.allocUnsafe(sodium!.crypto_sign_BYTES);
  sodium!.crypto_sign_detached(signature, message, signingKey.secret);
  return signature;
}
