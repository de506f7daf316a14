// Provenance manifests: signed claims about a generated output, as a compact JWS (EdDSA / Ed25519).
// Signing uses node:crypto directly (manifest-signing.ts: one signature per response, a quarter of jose's
// async signing), through the key ring's signer; verification uses jose, which also proves the tokens are
// standard JWS.
import { compactVerify, errors as joseErrors, importJWK } from 'jose';
import { GatewayError } from '../errors.ts';
import type { KeyRing, KeyStatus } from './keyring.ts';
import { contentHash } from './manifest-signing.ts';

export interface ManifestClaims {
  generator: 'Conduit';
  ai_generated: true;
  vendor: string;
  model: string;
  region: string;
  created: string;
  /** Pseudonymous customer id: stable per organisation, reveals nothing about it. */
  customer: string;
  request_id: string;
  /** With several choices: each choice's hash, by index (see output-binding.ts); content_sha256 hashes this list. */
  choices_sha256?: string[];
  content_sha256: string;
}

export { contentHash, MANIFEST_TYPE } from './manifest-signing.ts';

export interface ManifestCheck {
  /** The signature verifies with one of this service's keys, and that key was not revoked. */
  valid: boolean;
  /** The signature itself verifies (false never comes back: a bad signature is an error). */
  signature_valid: true;
  kid: string;
  /** The signing key's state: active, retired, or revoked (when, why): a revoked key's manifests are not valid. */
  key: KeyStatus;
  claims: ManifestClaims;
  /** Present when a text was given: does it hash to the manifest's content hash, or to one choice's? */
  content_matches?: boolean;
  /** Which choice the text is, when the manifest binds several. */
  matched_choice?: number;
}

/** Verifies a manifest's signature (and, given the text, its content hash). Precise errors for bad input. */
export async function verifyManifest(jws: string, keys: KeyRing, text?: string): Promise<ManifestCheck> {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new GatewayError(
      'malformed_manifest',
      'The manifest is not a compact JWS (three base64url parts separated by dots); it may be truncated.',
      { param: 'manifest' },
    );
  }
  let header: { kid?: string; alg?: string };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    throw new GatewayError('malformed_manifest', "The manifest's header is not valid JSON.", {
      param: 'manifest',
    });
  }
  if (header.alg !== 'EdDSA')
    throw new GatewayError(
      'unsupported_algorithm',
      `Manifests are signed with EdDSA; this one says ${String(header.alg)}.`,
      { param: 'manifest' },
    );
  const jwk = header.kid ? keys.publicJwk(header.kid) : undefined;
  if (!jwk)
    throw new GatewayError(
      'unknown_key',
      `No signing key with id '${String(header.kid)}' was ever used by this service (see /.well-known/jwks.json).`,
      { param: 'manifest' },
    );
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, await importJWK(jwk, 'EdDSA')));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed)
      throw new GatewayError('invalid_signature', 'The manifest signature does not verify: it was altered or forged.', {
        param: 'manifest',
      });
    throw new GatewayError('malformed_manifest', `The manifest could not be verified: ${(err as Error).message}`, {
      param: 'manifest',
    });
  }
  const claims = JSON.parse(Buffer.from(payload).toString('utf8')) as ManifestClaims;
  const key = keys.keyStatus(jwk.kid)!;
  return {
    valid: key.status !== 'revoked',
    signature_valid: true,
    kid: jwk.kid,
    key,
    claims,
    ...(text !== undefined ? contentCheck(text, claims) : {}),
  };
}

/** The text against the whole output's hash, then (several choices) against each choice's. */
function contentCheck(text: string, claims: ManifestClaims): { content_matches: boolean; matched_choice?: number } {
  const hash = contentHash(text);
  if (hash === claims.content_sha256) return { content_matches: true };
  const choice = Array.isArray(claims.choices_sha256) ? claims.choices_sha256.indexOf(hash) : -1;
  return choice === -1 ? { content_matches: false } : { content_matches: true, matched_choice: choice };
}
