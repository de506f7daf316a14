// COSE_Sign1 (RFC 9052) as C2PA uses it: the claim is the detached payload, the protected header names the
// algorithm (EdDSA, -8) and carries the signer's certificate chain (x5chain, 33), and the whole is CBOR tag 18.
import { sign, verify, type KeyObject } from 'node:crypto';
import { Encoder, Tag } from 'cbor-x';

// Plain CBOR maps (no cbor-x tag 259 on Map), byte strings untagged; maps decode to objects with string keys.
const encoder = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });
const decoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
export const cbor = { encode: (v: unknown) => encoder.encode(v), decode: (b: Uint8Array) => decoder.decode(b) as unknown };

const EDDSA = -8;
const X5CHAIN = 33;

const sigStructure = (protectedHeader: Uint8Array, payload: Uint8Array) => cbor.encode(['Signature1', protectedHeader, Buffer.alloc(0), payload]);

/** The tagged COSE_Sign1 bytes over a detached payload. `signature` is for sizing runs (64 zero bytes). */
export function coseSign1(payload: Uint8Array, chain: Buffer[], key: KeyObject | null): Buffer {
  const protectedHeader = cbor.encode(new Map<number, unknown>([[1, EDDSA], [X5CHAIN, chain]]));
  const signature = key ? sign(null, sigStructure(protectedHeader, payload), key) : Buffer.alloc(64);
  return cbor.encode(new Tag([protectedHeader, new Map(), null, signature], 18));
}

export interface CoseCheck {
  /** DER certificates, signer first. */
  chain: Buffer[];
  verifies: (publicKey: KeyObject) => boolean;
}

/** Parses a COSE_Sign1; throws a plain Error naming what is malformed. */
export function readCoseSign1(bytes: Uint8Array, payload: Uint8Array): CoseCheck {
  let decoded = cbor.decode(bytes) as unknown;
  if (decoded instanceof Tag) decoded = decoded.value;
  if (!Array.isArray(decoded) || decoded.length !== 4 || !(decoded[0] instanceof Uint8Array) || !(decoded[3] instanceof Uint8Array)) throw new Error('the claim signature is not a COSE_Sign1 structure');
  const [protectedHeader, , , signature] = decoded as [Uint8Array, unknown, unknown, Uint8Array];
  const header = cbor.decode(protectedHeader) as Record<string, unknown>;
  if (header['1'] !== EDDSA) throw new Error(`the claim signature uses COSE algorithm ${String(header['1'])}; Conduit signs with EdDSA (-8)`);
  const x5 = header['33'];
  const chain = (Array.isArray(x5) ? x5 : [x5]).filter((c): c is Uint8Array => c instanceof Uint8Array).map((c) => Buffer.from(c));
  if (chain.length === 0) throw new Error('the claim signature carries no certificate (x5chain)');
  return { chain, verifies: (publicKey) => verify(null, sigStructure(protectedHeader, payload), publicKey, signature) };
}
