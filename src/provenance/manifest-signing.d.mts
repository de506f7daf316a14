import type { Ed25519SigningKey } from './ed25519.mjs';

export const MANIFEST_TYPE: 'conduit-provenance+jws';

/** Base64url SHA-256 of the text: the manifest's content_sha256. */
export function contentHash(text: string): string;

/** The compact JWS over the claims (`claimsJson`: their JSON, without the content hash) and the text's hash. */
export function signManifest(signingKey: Ed25519SigningKey, kid: string, claimsJson: string, text: string): { manifest: string; content_sha256: string };
