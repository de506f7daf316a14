// Robust text fingerprints: normalised word 5-grams, hashed, thinned by winnowing (keep the minimum hash of
// every window), each with the character span it covers. Small edits change a few fingerprints, not all.

import { fnv1a as fnv } from '../util/fnv.ts';

export const NGRAM = 5;
export const WINDOW = 6;

export interface Fingerprint {
  hash: number;
  start: number;
  end: number;
}

/** Lowercase words without diacritics or punctuation, with their character offsets in the original. */
export function words(text: string): Array<{ text: string; start: number; end: number }> {
  const out: Array<{ text: string; start: number; end: number }> = [];
  const re = /[\p{L}\p{N}]+/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ text: fold(m[0]), start: m.index, end: m.index + m[0].length });
  return out;
}

/** Lowercase, diacritics removed (only non-ASCII words pay for Unicode normalisation). */
function fold(word: string): string {
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) > 127) return word.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return word.toLowerCase();
}


/** Mixes word hashes into an n-gram hash without building the n-gram string. */
function mix(h: number, w: number): number {
  h = Math.imul(h ^ w, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

export function fingerprints(text: string): Fingerprint[] {
  const ws = words(text);
  if (ws.length < NGRAM) return [];
  const wordHashes = ws.map((w) => fnv(w.text));
  const grams: Fingerprint[] = [];
  for (let i = 0; i + NGRAM <= ws.length; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < NGRAM; j++) h = mix(h, wordHashes[i + j]!);
    grams.push({ hash: h, start: ws[i]!.start, end: ws[i + NGRAM - 1]!.end });
  }
  if (grams.length <= WINDOW) return [grams.reduce((a, b) => (b.hash < a.hash ? b : a))];
  const picked: Fingerprint[] = [];
  let last = -1;
  for (let i = 0; i + WINDOW <= grams.length; i++) {
    let min = i;
    for (let j = i + 1; j < i + WINDOW; j++) if (grams[j]!.hash <= grams[min]!.hash) min = j;
    if (min !== last) {
      picked.push(grams[min]!);
      last = min;
    }
  }
  return picked;
}
