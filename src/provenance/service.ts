// Provenance for every completion: a signed manifest, the AI-generated disclosure, an optional in-band mark,
// and registration in the fingerprint registry so anyone can later ask "did this come through Conduit?".
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { GatewayError } from '../errors.ts';
import { wrapManifest } from './c2pa-text.ts';
import type { KeyRing } from './keyring.ts';
import { contentHash, signManifest, verifyManifest, type ManifestClaims } from './manifest.ts';
import type { FingerprintRegistry } from './registry.ts';

export const disclosureSchema = z
  .object({
    /** A visible notice added to every output, in the customer's wording and language. */
    notice: z.string().trim().min(1).max(500).optional(),
    position: z.enum(['prepend', 'append']).default('append'),
    /** Append the manifest to the text as invisible variation selectors (C2PA text wrapper). */
    c2pa_text: z.boolean().default(false),
  })
  .strict();
export type Disclosure = z.infer<typeof disclosureSchema>;

export interface Stamp {
  manifest: string;
  kid: string;
  content_sha256: string;
}

export class ProvenanceService {
  private readonly pseudonymKey: Buffer;
  private readonly pseudonyms = new Map<string, string>();

  constructor(
    readonly keys: KeyRing,
    readonly registry: FingerprintRegistry,
    readonly maxVerifyBytes: number,
    secret: string,
  ) {
    this.pseudonymKey = Buffer.from(secret);
  }

  /** Stable per organisation, meaningless outside Conduit. */
  customerPseudonym(orgId: string): string {
    let p = this.pseudonyms.get(orgId);
    if (!p) {
      p = `cus_${createHmac('sha256', this.pseudonymKey).update(orgId).digest('base64url').slice(0, 22)}`;
      if (this.pseudonyms.size > 100_000) this.pseudonyms.clear();
      this.pseudonyms.set(orgId, p);
    }
    return p;
  }

  async stamp(text: string, claims: Omit<ManifestClaims, 'generator' | 'ai_generated' | 'content_sha256' | 'customer' | 'created'> & { orgId: string }): Promise<Stamp> {
    const content_sha256 = contentHash(text);
    const { orgId, ...rest } = claims;
    const kid = this.keys.active.record.kid;
    const manifest = await signManifest({ generator: 'Conduit', ai_generated: true, ...rest, customer: this.customerPseudonym(orgId), created: new Date().toISOString(), content_sha256 }, this.keys);
    return { manifest, kid, content_sha256 };
  }

  /** The visible notice, if the organisation configured one, around the text. */
  withNotice(text: string, d: Disclosure | undefined): string {
    if (!d?.notice) return text;
    return d.position === 'prepend' ? `${d.notice}\n\n${text}` : `${text}\n\n${d.notice}`;
  }

  withInBandMark(text: string, stamp: Stamp, d: Disclosure | undefined): string {
    return d?.c2pa_text ? wrapManifest(text, stamp.manifest) : text;
  }

  async verifyText(text: unknown, canSeeManifests: (orgId: string) => boolean) {
    const checked = this.checkText(text);
    const { fingerprints, matches } = await this.registry.match(checked);
    const best = matches[0];
    return {
      match: matches.length > 0,
      confidence: best ? best.coverage : 0,
      fingerprints_checked: fingerprints,
      matches: matches.slice(0, 10).map((m) => ({
        coverage: m.coverage,
        registered_at: m.output.created_at,
        matched_spans: m.spans,
        ...(canSeeManifests(m.output.org_id) ? { request_id: m.output.request_id, manifest: m.output.manifest } : {}),
      })),
    };
  }

  verifyManifest(manifest: unknown, text: unknown) {
    if (typeof manifest !== 'string' || manifest.length === 0) throw new GatewayError(400, 'missing_manifest', "Give the manifest (a compact JWS) as 'manifest'.", { param: 'manifest' });
    if (manifest.length > 16_384) throw new GatewayError(413, 'manifest_too_large', 'A manifest is a few hundred bytes; this one is over 16 KB.', { param: 'manifest' });
    return verifyManifest(manifest, this.keys, text === undefined ? undefined : this.checkText(text));
  }

  private checkText(text: unknown): string {
    if (typeof text !== 'string') throw new GatewayError(400, 'invalid_text', "Give the text to check as a string in 'text'.", { param: 'text' });
    if (text.trim().length === 0) throw new GatewayError(400, 'empty_text', 'The text is empty.', { param: 'text' });
    if (Buffer.byteLength(text) > this.maxVerifyBytes) throw new GatewayError(413, 'text_too_large', `The text is over the ${this.maxVerifyBytes}-byte limit.`, { param: 'text' });
    if (text.includes('\uFFFD')) throw new GatewayError(400, 'invalid_encoding', 'The text contains U+FFFD replacement characters: it was decoded from bytes that are not valid UTF-8.', { param: 'text' });
    // eslint-disable-next-line no-control-regex
    const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.exec(text);
    if (control) throw new GatewayError(400, 'binary_text', `The text contains a control character (U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')}) at offset ${control.index}: send text, not binary data.`, { param: 'text' });
    return text;
  }
}
