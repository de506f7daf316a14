// The fingerprint registry: every output is recorded as winnowed fingerprints (never its text) and can later
// be recognised in a text, even edited, reordered or embedded in a longer document.
import type { FingerprintStore, OutputRecord, RegisteredOutput } from '../store/ports.ts';
import { fingerprintHashes, fingerprints } from './fingerprint.ts';

/** A match needs this many shared fingerprints... */
const MIN_SHARED = 4;
/** ...covering at least this share of the output's fingerprints. */
const MIN_COVERAGE = 0.25;

export interface TextMatch {
  output: OutputRecord;
  /** Share of the output's fingerprints found in the text. */
  coverage: number;
  /** Character ranges of the text that matched, merged. */
  spans: Array<{ start: number; end: number }>;
}

/**
 * Outputs are written in large batches: each output adds up to eight index rows at random hashes, and every
 * commit rewrites each index page it touched, so small batches rewrite the same pages over and over. A verify
 * flushes first, so it always sees every output served; a crash loses at most a second of fingerprints (never
 * billing).
 */
const FLUSH_EVERY_MS = 1000;
const FLUSH_AT_COUNT = 2000;

export class FingerprintRegistry {
  private queue: RegisteredOutput[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Writes handed to the store and not yet acknowledged (the store may write on another thread). */
  private inflight: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: FingerprintStore,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Queues an output for registration; written in batches off the request path. */
  register(output: Omit<RegisteredOutput, 'fingerprints'>, text: string): void {
    const hashes = fingerprintHashes(text);
    if (hashes.length === 0) return;
    this.queue.push({
      request_id: output.request_id,
      org_id: output.org_id,
      created_at: output.created_at,
      manifest: output.manifest,
      fingerprints: hashes,
    });
    if (this.queue.length >= FLUSH_AT_COUNT) return void this.flush();
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
      this.timer.unref();
    }
  }

  /** Resolves once everything registered so far is in the store. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) {
      const write = this.store.register(batch).catch((err) => this.onError(err));
      this.inflight = Promise.all([this.inflight, write]).then(() => undefined);
    }
    return this.inflight;
  }

  async match(text: string): Promise<{ fingerprints: number; matches: TextMatch[] }> {
    await this.flush();
    const fps = fingerprints(text);
    const byHash = new Map<number, Array<{ start: number; end: number }>>();
    for (const f of fps) {
      const spans = byHash.get(f.hash) ?? [];
      spans.push({ start: f.start, end: f.end });
      byHash.set(f.hash, spans);
    }
    // The index finds candidates by a few of their hashes; each candidate's whole set then decides.
    const hits = await this.store.lookup([...byHash.keys()]);
    const votes = new Map<number, number>();
    for (const { output_id } of hits) votes.set(output_id, (votes.get(output_id) ?? 0) + 1);
    const candidates = [...votes.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 50)
      .map(([id]) => id);
    const outputs = await this.store.outputs(candidates);
    const matches: TextMatch[] = [];
    for (const output of outputs) {
      const shared = [...new Set(output.fingerprints)].filter((h) => byHash.has(h));
      if (shared.length < MIN_SHARED) continue;
      const coverage = shared.length / Math.max(1, output.fingerprint_count);
      if (coverage < MIN_COVERAGE) continue;
      matches.push({
        output,
        coverage: Math.min(1, Math.round(coverage * 1000) / 1000),
        spans: merge(shared.flatMap((h) => byHash.get(h)!)),
      });
    }
    matches.sort((a, b) => b.coverage - a.coverage);
    return { fingerprints: fps.length, matches };
  }
}

function merge(spans: Array<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Array<{ start: number; end: number }> = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start <= last.end + 1) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
