import type { KeyObject } from 'node:crypto';

export const MANIFEST_TYPE: 'conduit-provenance+jws';

/** Base64url SHA-256 of the text: the manifest's content_sha256. */
export function contentHash(text: string): string;

/** The compact JWS over the claims (`claimsJson`: their JSON, without the content hash) and the text's hash. */
export function signManifest(privateKey: KeyObject, kid: string, claimsJson: string, text: string): { manifest: string; content_sha256: string };
