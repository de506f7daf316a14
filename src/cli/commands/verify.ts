// `conduit verify FILE`: was this text served through Conduit? A file holding a manifest (compact JWS) is
// checked as a manifest; any other text is looked up in the fingerprint registry (and its in-band mark, if any).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readTextManifest } from '../../provenance/c2pa/text-manifest.ts';
import { fail } from '../admin-client.ts';

export function register(program: Command): void {
  program
    .command('verify <file>')
    .description('check whether a text (or a provenance manifest) came from this gateway')
    .option('--url <url>', 'gateway URL (env CONDUIT_URL)', process.env.CONDUIT_URL ?? 'http://127.0.0.1:8080')
    .option('--manifest <jws>', 'also check this manifest against the text')
    .action(async (file: string, opts: { url: string; manifest?: string }) => {
      let content: string;
      try {
        content = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
      } catch (err) {
        fail(`${file}: ${(err as NodeJS.ErrnoException).code ?? 'not valid UTF-8 text'}`);
      }
      const call = async (path: string, body: unknown) => {
        const res = await fetch(`${opts.url.replace(/\/+$/, '')}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).catch((e: Error) => fail(`cannot reach ${opts.url}: ${e.message}`));
        const json = (await res.json()) as Record<string, any>;
        if (!res.ok) fail(`${res.status}: ${json.error?.message}`);
        return json;
      };
      const trimmed = content.trim();
      if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(trimmed)) {
        const r = await call('/v1/provenance/verify-manifest', { manifest: trimmed });
        if (revoked(r)) return;
        console.log(
          `manifest valid (key ${r.kid}): ${r.claims.model} by ${r.claims.vendor}, ${r.claims.created}, request ${r.claims.request_id}`,
        );
        return;
      }
      let inBand: ReturnType<typeof readTextManifest> = null;
      try {
        inBand = readTextManifest(content);
      } catch (err) {
        console.log(`the text carries a damaged C2PA manifest: ${(err as Error).message}`);
      }
      if (inBand) {
        console.log(
          `C2PA manifest ${inBand.manifest_label} signed by "${inBand.signer.subject}": signature ${inBand.signature_valid ? 'valid' : 'INVALID'}${inBand.assertions_intact ? '' : ', assertions ALTERED'}; text ${inBand.content_matches ? 'matches its hard binding' : 'was changed since it was signed'}`,
        );
      }
      const text = inBand?.text ?? content;
      const carried = typeof inBand?.claims.manifest === 'string' ? inBand.claims.manifest : undefined;
      const manifest = opts.manifest ?? carried;
      if (manifest) {
        const r = await call('/v1/provenance/verify-manifest', { manifest, text });
        const which =
          typeof r.matched_choice === 'number'
            ? ` (choice ${r.matched_choice} of ${r.claims.choices_sha256.length})`
            : '';
        if (!revoked(r))
          console.log(
            `manifest ${carried && !opts.manifest ? '(carried in the text) ' : ''}valid: ${r.claims.model}, ${r.claims.created}; text ${r.content_matches ? `matches the signed content${which}` : 'does NOT match the signed content'}`,
          );
      }
      const r = await call('/v1/provenance/verify', { text });
      if (r.c2pa?.key?.status === 'revoked') {
        console.log(
          `the C2PA manifest was signed by key ${r.c2pa.kid}, REVOKED at ${r.c2pa.key.revoked_at} (${r.c2pa.key.revocation_reason}): do not rely on it`,
        );
        process.exitCode = 1;
      }
      if (!r.match) {
        console.log('no match: this text was not found among outputs served through this gateway');
        process.exitCode = 1;
        return;
      }
      console.log(`MATCH (confidence ${r.confidence}): ${r.matches.length} registered output(s)`);
      for (const m of r.matches)
        console.log(
          `  registered ${m.registered_at}, ${Math.round(m.coverage * 100)}% of its fingerprints found; matched characters ${m.matched_spans.map((s: { start: number; end: number }) => `${s.start}-${s.end}`).join(', ')}`,
        );
    });
}

/** A manifest signed by a key revoked since: said, and the exit code says it too. */
function revoked(r: Record<string, any>): boolean {
  if (r.key?.status !== 'revoked') return false;
  console.log(
    `manifest NOT valid: signed by key ${r.kid}, REVOKED at ${r.key.revoked_at} (${r.key.revocation_reason}); it claimed ${r.claims.model}, ${r.claims.created}, request ${r.claims.request_id}`,
  );
  process.exitCode = 1;
  return true;
}
