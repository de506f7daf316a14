// Signing a provenance manifest: the text's SHA-256 joins the claims, and the whole is a compact JWS
// (EdDSA / Ed25519). The signing thread (signer-worker.ts) runs it, and the gateway runs it inline when quiet.
import { hash } from 'node:crypto';
import { signEd25519, type Ed25519SigningKey } from './ed25519.ts';

export const MANIFEST_TYPE = 'conduit-provenance+jws';

/** Base64url SHA-256 of the text: the manifest's content_sha256. */
export const contentHash = (text: string): string => hash('sha256', text, 'base64url');

const headers = new Map<string, string>();

function protectedHeader(kid: string): string {
  let header = headers.get(kid);
  if (!header)
    headers.set(
      kid,
      (header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid, typ: MANIFEST_TYPE })).toString('base64url')),
    );
  return header;
}

/** The compact JWS over the claims (`claimsJson`: their JSON, without the content hash, which is added last) and the text's hash. */
export function signManifest(
  signingKey: Ed25519SigningKey,
  kid: string,
  claimsJson: string,
  text: string,
): { manifest: string; content_sha256: string } {
  const content_sha256 = contentHash(text);
  const payload = Buffer.from(`${claimsJson.slice(0, -1)},"content_sha256":"${content_sha256}"}`).toString('base64url');
  const input = `${protectedHeader(kid)}.${payload}`;
  return { manifest: `${input}.${signEd25519(signingKey, Buffer.from(input)).toString('base64url')}`, content_sha256 };
}
