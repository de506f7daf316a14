// Provenance for every completion: a signed manifest, the AI-generated disclosure, an optional in-band mark,
// and registration in the fingerprint registry so anyone can later ask "did this come through Conduit?".
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GatewayError } from '../errors.ts';
import { isoTime } from '../util/clock.ts';
import { readTextManifest, textManifestWrapper } from './c2pa/text-manifest.ts';
import {
  defaultDisclosure,
  disclosureSchema,
  type Disclosure,
  type DisclosureDefaults,
  type DisclosureSource,
} from './disclosure.ts';
import type { KeyRing } from './keyring.ts';
import { verifyManifest, type ManifestClaims } from './manifest.ts';
import { signingInput, textChoice, type BoundChoice } from './output-binding.ts';
import type { FingerprintRegistry } from './registry.ts';

const GENERATOR_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export { disclosureSchema, type Disclosure } from './disclosure.ts';

type StampClaims = Omit<
  ManifestClaims,
  'generator' | 'ai_generated' | 'content_sha256' | 'choices_sha256' | 'customer' | 'created'
> & { orgId: string };

export interface Stamp {
  manifest: string;
  kid: string;
  content_sha256: string;
  claims: ManifestClaims;
}

export class ProvenanceService {
  private readonly pseudonymKey: Buffer;
  private readonly pseudonyms = new Map<string, string>();
  /** Organisations' own settings, parsed once per stored object; the defaults, once per country. */
  private readonly parsedDisclosures = new WeakMap<object, Disclosure>();
  private readonly defaultsByCountry = new Map<
    string,
    { disclosure: Disclosure | undefined; source: DisclosureSource }
  >();

  constructor(
    readonly keys: KeyRing,
    readonly registry: FingerprintRegistry,
    readonly maxVerifyBytes: number,
    secret: string,
    /** The operator's defaults (config provenance.disclosure_default) for organisations without a setting of their own. */
    private readonly disclosureDefaults?: DisclosureDefaults,
  ) {
    this.pseudonymKey = Buffer.from(secret);
  }

  /** The disclosure an organisation's outputs get: its own setting (PUT .../disclosure), else the default for its country. */
  disclosureFor(org: { country: string; disclosure: Record<string, unknown> | null }): {
    disclosure: Disclosure | undefined;
    source: DisclosureSource;
  } {
    if (org.disclosure) {
      let d = this.parsedDisclosures.get(org.disclosure);
      if (!d) this.parsedDisclosures.set(org.disclosure, (d = disclosureSchema.parse(org.disclosure)));
      return { disclosure: d, source: 'organisation' };
    }
    let byCountry = this.defaultsByCountry.get(org.country);
    if (!byCountry)
      this.defaultsByCountry.set(org.country, (byCountry = defaultDisclosure(this.disclosureDefaults, org.country)));
    return byCountry;
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

  async stamp(text: string, claims: StampClaims): Promise<Stamp> {
    return this.stampChoices([textChoice(text)], claims);
  }

  /** A manifest over every choice of a reply, texts and tool calls, in their canonical form (output-binding.ts). */
  async stampChoices(choices: readonly BoundChoice[], claims: StampClaims): Promise<Stamp> {
    const kid = this.keys.active.record.kid;
    const input = signingInput(choices);
    // Field by field (not spread), in the manifest's order: one object shape, built once per response.
    const signed: Omit<ManifestClaims, 'content_sha256'> & { content_sha256?: string } = {
      generator: 'Conduit' as const,
      ai_generated: true as const,
      vendor: claims.vendor,
      model: claims.model,
      region: claims.region,
      request_id: claims.request_id,
      customer: this.customerPseudonym(claims.orgId),
      created: isoTime(Date.now()),
    };
    if (input.choices_sha256) signed.choices_sha256 = input.choices_sha256;
    // The text's hash is taken where the signature is made (on the signing thread under load).
    const { manifest, content_sha256 } = await this.keys.signer.sign(kid, JSON.stringify(signed), input.text);
    // Added to the same object (one map transition), not spread into a new one: V8's slow path on every response.
    signed.content_sha256 = content_sha256;
    return { manifest, kid, content_sha256, claims: signed as ManifestClaims };
  }

  /** What goes before and after the text for the organisation's visible notice (empty strings without one). */
  noticeAround(d: Disclosure | undefined): { before: string; after: string } {
    if (!d?.notice) return { before: '', after: '' };
    return d.position === 'prepend'
      ? { before: `${d.notice}\n\n`, after: '' }
      : { before: '', after: `\n\n${d.notice}` };
  }

  /** The visible notice, if the organisation configured one, around the text. */
  withNotice(text: string, d: Disclosure | undefined): string {
    const { before, after } = this.noticeAround(d);
    return before + text + after;
  }

  /**
   * The in-band mark to append to `text`: a C2PA manifest store (signed with the active key's certificate,
   * bound to exactly this text, carrying the request's claims) in the C2PA text wrapper. The JWS manifest
   * stays out: the store is itself signed by the same key, and every byte costs four invisible ones.
   */
  inBandMark(text: string, stamp: Stamp): string {
    const { content_sha256: _, ...claims } = stamp.claims;
    return textManifestWrapper(text, claims, this.keys.c2paSigner, GENERATOR_VERSION);
  }

  async verifyText(text: unknown, canSeeManifests: (orgId: string) => boolean) {
    const checked = this.checkText(text);
    const inBand = this.checkInBandMark(checked);
    const { fingerprints, matches } = await this.registry.match(inBand?.text ?? checked);
    const best = matches[0];
    return {
      ...(inBand ? { c2pa: inBand.report } : {}),
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
    if (typeof manifest !== 'string' || manifest.length === 0)
      throw new GatewayError('missing_manifest', "Give the manifest (a compact JWS) as 'manifest'.", {
        param: 'manifest',
      });
    if (manifest.length > 16_384)
      throw new GatewayError('manifest_too_large', 'A manifest is a few hundred bytes; this one is over 16 KB.', {
        param: 'manifest',
      });
    if (text === undefined) return verifyManifest(manifest, this.keys);
    // A text as delivered carries its in-band mark after the signed content: the manifest is about what it wraps.
    const checked = this.checkText(text);
    return verifyManifest(manifest, this.keys, this.checkInBandMark(checked)?.text ?? checked);
  }

  /** The C2PA manifest a text carries, checked: signature, signer (one of our keys?) and hard binding. */
  private checkInBandMark(text: string) {
    let found: ReturnType<typeof readTextManifest>;
    try {
      found = readTextManifest(text);
    } catch (err) {
      throw new GatewayError(
        'malformed_c2pa_manifest',
        `The text carries a C2PA text wrapper whose manifest store is damaged: ${(err as Error).message}.`,
        { param: 'text' },
      );
    }
    if (!found) return undefined;
    // Ours only if one of our keys made a signature that verifies over assertions nobody replaced.
    const kid = found.signature_valid && found.assertions_intact ? this.keys.kidOf(found.signer.public_key) : undefined;
    return {
      text: found.text,
      report: {
        manifest_label: found.manifest_label,
        signer: found.signer.subject,
        algorithm: found.signer.algorithm,
        signature_valid: found.signature_valid,
        assertions_intact: found.assertions_intact,
        signed_by_this_gateway: kid !== undefined,
        // A revoked key's marks are ours but no longer to be trusted: the report says so.
        ...(kid ? { kid, key: this.keys.keyStatus(kid) } : {}),
        content_matches: found.content_matches,
        claims: found.claims,
      },
    };
  }

  private checkText(text: unknown): string {
    if (typeof text !== 'string')
      throw new GatewayError('invalid_text', "Give the text to check as a string in 'text'.", { param: 'text' });
    if (text.trim().length === 0) throw new GatewayError('empty_text', 'The text is empty.', { param: 'text' });
    if (Buffer.byteLength(text) > this.maxVerifyBytes)
      throw new GatewayError('text_too_large', `The text is over the ${this.maxVerifyBytes}-byte limit.`, {
        param: 'text',
      });
    if (text.includes('\uFFFD'))
      throw new GatewayError(
        'invalid_encoding',
        'The text contains U+FFFD replacement characters: it was decoded from bytes that are not valid UTF-8.',
        { param: 'text' },
      );
    // eslint-disable-next-line no-control-regex
    const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.exec(text);
    if (control)
      throw new GatewayError(
        'binary_text',
        `The text contains a control character (U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')}) at offset ${control.index}: send text, not binary data.`,
        { param: 'text' },
      );
    return text;
  }
}
