// Signing a provenance manifest: the text's SHA-256 joins the claims, and the whole is a compact JWS
// (EdDSA / Ed25519). Plain JavaScript so that the signing thread (signer-worker.mjs) runs it without the
// TypeScript loader; the gateway runs the same code inline when it is quiet.
import { hash } from 'node:crypto';
import { signEd25519 } from './ed25519.mjs';

export const MANIFEST_TYPE = 'conduit-provenance+jws';

export const contentHash = (text) => hash('sha256', text, 'base64url');

const headers = new Map();

function protectedHeader(kid) {
  let header = headers.get(kid);
  if (!header) headers.set(kid, (header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid, typ: MANIFEST_TYPE })).toString('base64url')));
  return header;
}

/** `claimsJson` is the claims object's JSON without the content hash, which is added last. */
export function signManifest(signingKey, kid, claimsJson, text) {
  const content_sha256 = contentHash(text);
  const payload = Buffer.from(`${claimsJson.slice(0, -1)},"content_sha256":"${content_sha256}"}`).toString('base64url');
  const input = `${protectedHeader(kid)}.${payload}`;
  return { manifest: `${input}.${signEd25519(signingKey, Buffer.from(input)).toString('base64url')}`, content_sha256 };
}
