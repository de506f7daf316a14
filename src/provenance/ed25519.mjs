// Ed25519 signatures for provenance manifests, by libsodium (sodium-native) when it loads: about 16 µs a
// signature here against OpenSSL 3.0's 34 µs (its Ed25519 runs on 32-bit limbs and looks up SHA-512 on every
// call). node:crypto stays the fallback, and CONDUIT_ED25519=node chooses it (comparisons, and platforms
// without a prebuilt sodium).
//
// Most of a signature's cost is one fixed-base scalar multiplication, R = r·B, for the nonce r. RFC 8032
// derives r from the message, so that a signer needs no randomness; any r that is uniform, secret and used
// once gives a signature every verifier accepts the same way (the check is S·B = R + k·A, whatever r was).
// With a nonce made ahead of time (nonceBatch, on an idle-priority thread), signing is a hash and scalar
// arithmetic: about 4 µs. Without one, the RFC's deterministic signature.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { createRequire } from 'node:module';

function loadSodium() {
  if (process.env.CONDUIT_ED25519 === 'node') return null;
  try {
    return createRequire(import.meta.url)('sodium-native');
  } catch {
    return null;
  }
}
const sodium = loadSodium();

/** Which implementation signs: 'libsodium' or 'node:crypto'. */
export const ed25519Implementation = sodium ? 'libsodium' : 'node:crypto';

/** Bytes of one precomputed nonce: the scalar r, then the encoded point R = r·B. */
export const NONCE_BYTES = 64;

/** The group order. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const WORD = (1n << 64n) - 1n;
/** Scratch for the online signature's hash (one thread per module instance, never held across calls). */
const hashState = sodium ? Buffer.alloc(sodium.crypto_hash_sha512_STATEBYTES) : null;
const digest = Buffer.alloc(64);

function littleEndian(bytes, words) {
  let x = 0n;
  for (let i = words - 1; i >= 0; i--) x = (x << 64n) | bytes.readBigUInt64LE(8 * i);
  return x;
}

/** A signing key from a PKCS#8 PEM; throws unless it is an Ed25519 private key. */
export function ed25519SigningKey(pem) {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`expected an Ed25519 private key, got ${key.asymmetricKeyType}`);
  if (!sodium) return { key, secret: null, publicKey: null, scalar: 0n };
  const seed = Buffer.from(key.export({ format: 'jwk' }).d, 'base64url');
  const secret = Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES);
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
  sodium.crypto_sign_seed_keypair(publicKey, secret, seed);
  // The secret scalar a: the clamped first half of SHA-512(seed) (RFC 8032, 5.1.5).
  const h = createHash('sha512').update(seed).digest();
  h[0] &= 248;
  h[31] &= 127;
  h[31] |= 64;
  return { key, secret, publicKey, scalar: littleEndian(h, 4) % L };
}

/** Whether this process can make nonces ahead of time (libsodium loaded). */
export const canPrecomputeNonces = sodium !== null;

/** `count` fresh nonces, NONCE_BYTES each: r uniform in [1, L) from the system's CSPRNG, and R = r·B. */
export function nonceBatch(count) {
  const out = Buffer.alloc(count * NONCE_BYTES);
  for (let i = 0; i < count; i++) {
    const r = out.subarray(i * NONCE_BYTES, i * NONCE_BYTES + 32);
    sodium.crypto_core_ed25519_scalar_random(r);
    sodium.crypto_scalarmult_ed25519_base_noclamp(out.subarray(i * NONCE_BYTES + 32, (i + 1) * NONCE_BYTES), r);
  }
  return out;
}

/**
 * The 64-byte signature of `message` (a Buffer). With `nonce` (NONCE_BYTES from nonceBatch, never used
 * before), signs with it and wipes it; without, the deterministic signature of RFC 8032.
 */
export function signEd25519(signingKey, message, nonce) {
  if (signingKey.secret === null) return sign(null, message, signingKey.key);
  const signature = Buffer.allocUnsafe(64);
  if (nonce === undefined) {
    sodium.crypto_sign_detached(signature, message, signingKey.secret);
    return signature;
  }
  // S = r + k·a mod L, where k = SHA-512(R || A || M) (RFC 8032, 5.1.6, steps 4-6).
  const R = nonce.subarray(32, 64);
  sodium.crypto_hash_sha512_init(hashState);
  sodium.crypto_hash_sha512_update(hashState, R);
  sodium.crypto_hash_sha512_update(hashState, signingKey.publicKey);
  sodium.crypto_hash_sha512_update(hashState, message);
  sodium.crypto_hash_sha512_final(hashState, digest);
  const k = littleEndian(digest, 8) % L;
  let s = (littleEndian(nonce, 4) + k * signingKey.scalar) % L;
  R.copy(signature, 0);
  for (let i = 0; i < 4; i++, s >>= 64n) signature.writeBigUInt64LE(s & WORD, 32 + 8 * i);
  nonce.fill(0);
  return signature;
}
