// COSE_Sign1 (RFC 9052) as C2PA uses it: the claim is the detached payload, the protected header names the
// algorithm (Conduit's keys: EdDSA, -8) and carries the signer's certificate chain (x5chain, 33), and the
// whole is CBOR tag 18. Reading accepts every algorithm C2PA allows, so manifests from other signers verify.
import { constants, sign, verify, type KeyObject } from 'node:crypto';
import { Encoder, Tag } from 'cbor-x';

// Plain CBOR maps (no cbor-x tag 259 on Map), byte strings untagged; maps decode to objects with string keys.
const encoder = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });
const decoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
export const cbor = {
  encode: (v: unknown) => encoder.encode(v),
  decode: (b: Uint8Array) => decoder.decode(b) as unknown,
};

const X5CHAIN = 33;

/** The COSE algorithms C2PA allows, as node:crypto signs and verifies them (ECDSA as raw r||s, per COSE). */
const ALGORITHMS: Record<number, { name: string; hash: string | null; options: Record<string, unknown> }> = {
  [-8]: { name: 'EdDSA', hash: null, options: {} },
  [-7]: { name: 'ES256', hash: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  [-35]: { name: 'ES384', hash: 'sha384', options: { dsaEncoding: 'ieee-p1363' } },
  [-36]: { name: 'ES512', hash: 'sha512', options: { dsaEncoding: 'ieee-p1363' } },
  [-37]: { name: 'PS256', hash: 'sha256', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  [-38]: { name: 'PS384', hash: 'sha384', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 } },
  [-39]: { name: 'PS512', hash: 'sha512', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 } },
};

/** The COSE algorithm for a signing key, and its signature length. */
function algorithmOf(key: KeyObject): { id: number; length: number } {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ed25519') return { id: -8, length: 64 };
  if (key.asymmetricKeyType === 'ec') {
    const [id, length] =
      d.namedCurve === 'secp384r1' ? [-35, 96] : d.namedCurve === 'secp521r1' ? [-36, 132] : [-7, 64];
    return { id: id!, length: length! };
  }
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss')
    return { id: -37, length: (d.modulusLength ?? 2048) / 8 };
  throw new Error(`C2PA cannot sign with a ${String(key.asymmetricKeyType)} key`);
}

const sigStructure = (protectedHeader: Uint8Array, payload: Uint8Array) =>
  cbor.encode(['Signature1', protectedHeader, Buffer.alloc(0), payload]);

/**
 * The tagged COSE_Sign1 bytes over a detached payload. With `sizeOnly`, the signature is zeros of the right
 * length: the same size, for working out the manifest's length before signing it.
 */
export function coseSign1(payload: Uint8Array, chain: Buffer[], key: KeyObject, sizeOnly = false): Buffer {
  const alg = algorithmOf(key);
  const protectedHeader = cbor.encode(
    new Map<number, unknown>([
      [1, alg.id],
      [X5CHAIN, chain],
    ]),
  );
  const { hash, options } = ALGORITHMS[alg.id]!;
  const signature = sizeOnly
    ? Buffer.alloc(alg.length)
    : sign(hash, sigStructure(protectedHeader, payload), { key, ...options } as never);
  return cbor.encode(new Tag([protectedHeader, new Map(), null, signature], 18));
}

export interface CoseCheck {
  /** The COSE algorithm's name (EdDSA, ES256, ...). */
  algorithm: string;
  /** DER certificates, signer first. */
  chain: Buffer[];
  verifies: (publicKey: KeyObject) => boolean;
}

/** Parses a COSE_Sign1; throws a plain Error naming what is malformed or unsupported. */
export function readCoseSign1(bytes: Uint8Array, payload: Uint8Array): CoseCheck {
  let decoded = cbor.decode(bytes) as unknown;
  if (decoded instanceof Tag) decoded = decoded.value;
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 4 ||
    !(decoded[0] instanceof Uint8Array) ||
    !(decoded[3] instanceof Uint8Array)
  )
    throw new Error('the claim signature is not a COSE_Sign1 structure');
  const [protectedHeader, , , signature] = decoded as [Uint8Array, unknown, unknown, Uint8Array];
  const header = cbor.decode(protectedHeader) as Record<string, unknown>;
  const algorithm = ALGORITHMS[Number(header['1'])];
  if (!algorithm)
    throw new Error(`the claim signature uses COSE algorithm ${String(header['1'])}, which C2PA does not allow`);
  const x5 = header['33'];
  const chain = (Array.isArray(x5) ? x5 : [x5])
    .filter((c): c is Uint8Array => c instanceof Uint8Array)
    .map((c) => Buffer.from(c));
  if (chain.length === 0) throw new Error('the claim signature carries no certificate (x5chain)');
  return {
    algorithm: algorithm.name,
    chain,
    verifies: (publicKey) => {
      try {
        return verify(
          algorithm.hash,
          sigStructure(protectedHeader, payload),
          { key: publicKey, ...algorithm.options } as never,
          signature,
        );
      } catch {
        return false; // a key of another type than the algorithm's
      }
    },
  };
}
