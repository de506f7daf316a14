// Provenance: paste a text (or a manifest) and see whether it was generated through this gateway, the matching
// spans highlighted. The verify endpoints are public: no token is sent.
import { useState, type FormEvent, type ReactNode } from 'react';
import { publicCall } from '../api.ts';
import { when } from '../format.ts';
import { Badge, ErrorNote, Section } from '../ui.tsx';

interface Verdict {
  match: boolean;
  confidence: number;
  matches: Array<{ coverage: number; registered_at: string; matched_spans: Array<{ start: number; end: number }> }>;
  c2pa?: Record<string, unknown>;
}

export function Provenance() {
  return (
    <div className="page">
      <h1>Provenance</h1>
      <VerifyText />
      <VerifyManifest />
    </div>
  );
}

function VerifyText() {
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ verdict?: Verdict; text?: string; error?: unknown }>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(undefined);
    try {
      setResult({ verdict: await publicCall<Verdict>('/v1/provenance/verify', { text }), text });
    } catch (error) {
      setResult({ error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Was this text generated here?">
      <form onSubmit={submit} aria-label="Verify a text">
        <label htmlFor="verify-text">Text</label>
        <textarea id="verify-text" rows={6} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={busy || text.trim() === ''}>
          {busy ? 'Checking…' : 'Verify'}
        </button>
      </form>
      {result?.error !== undefined && <ErrorNote error={result.error} title="Not verified" />}
      {result?.verdict && (
        <div role="region" aria-label="Verdict">
          <p>
            <Badge value={result.verdict.match ? 'approved' : 'rejected'} />{' '}
            <strong>
              {result.verdict.match
                ? `Generated through this gateway (confidence ${(result.verdict.confidence * 100).toFixed(0)}%)`
                : 'No match with any output this gateway served'}
            </strong>
          </p>
          {result.verdict.matches.map((m, i) => (
            <p key={i} className="muted">
              Matches an output registered {when(m.registered_at)}, covering {(m.coverage * 100).toFixed(0)}% of it.
            </p>
          ))}
          {result.verdict.match && (
            <div className="verified-text" aria-label="Matching spans highlighted">
              {highlight(
                result.text!,
                result.verdict.matches.flatMap((m) => m.matched_spans),
              )}
            </div>
          )}
          {result.verdict.c2pa && (
            <p className="muted">C2PA mark: {JSON.stringify(result.verdict.c2pa).slice(0, 400)}</p>
          )}
        </div>
      )}
    </Section>
  );
}

/** The text with the given character spans (merged where they overlap) marked. */
export function highlight(text: string, spans: Array<{ start: number; end: number }>): ReactNode[] {
  const merged: Array<{ start: number; end: number }> = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  const out: ReactNode[] = [];
  let at = 0;
  for (const s of merged) {
    if (s.start > at) out.push(text.slice(at, s.start));
    out.push(<mark key={s.start}>{text.slice(s.start, s.end)}</mark>);
    at = Math.max(at, s.end);
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

function VerifyManifest() {
  const [manifest, setManifest] = useState('');
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ data?: Record<string, unknown>; error?: unknown }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(undefined);
    try {
      setResult({
        data: await publicCall<Record<string, unknown>>('/v1/provenance/verify-manifest', {
          manifest: manifest.trim(),
          ...(text ? { text } : {}),
        }),
      });
    } catch (error) {
      setResult({ error });
    }
  };
  return (
    <Section title="Check a manifest">
      <form onSubmit={submit} aria-label="Verify a manifest">
        <label htmlFor="manifest">Manifest (the compact JWS from x-conduit-provenance)</label>
        <textarea id="manifest" rows={3} value={manifest} onChange={(e) => setManifest(e.target.value)} />
        <label htmlFor="manifest-text">Text it should sign for (optional)</label>
        <textarea id="manifest-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={manifest.trim() === ''}>
          Check manifest
        </button>
      </form>
      {result?.error !== undefined && <ErrorNote error={result.error} title="Manifest not checked" />}
      {result?.data && (
        <div role="region" aria-label="Manifest verdict">
          <p>
            <Badge value={result.data.valid ? 'approved' : 'rejected'} />{' '}
            <strong>{result.data.valid ? 'Valid manifest' : 'Not valid'}</strong>
          </p>
          <pre className="verified-text">{JSON.stringify(result.data, null, 2)}</pre>
        </div>
      )}
    </Section>
  );
}
