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

/** Lowercase, diacritics removed (only non-ASCII words pay for Unicode normalisation). */
export function fold(word: string): string {
  for (let i = 0; i < word.length; i++)
    if (word.charCodeAt(i) > 127)
      return word
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase();
  return word.toLowerCase();
}

/** Mixes word hashes into an n-gram hash without building the n-gram string. */
function mix(h: number, w: number): number {
  h = Math.imul(h ^ w, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Reused between calls (single-threaded, never held across an await): no per-call allocation. */
let gramScratch = new Uint32Array(4096);
let scratch = { hashes: new Uint32Array(4096), starts: new Uint32Array(4096), ends: new Uint32Array(4096) };

/**
 * One pass over the text: ASCII words are hashed as they are read (lowercased, no substring); a word with
 * other characters is folded, then hashed. Same hashes as fnv(fold(word)) for each [\p{L}\p{N}]+ run, without the garbage:
 * this runs on every response.
 */
function wordHashes(text: string): { hashes: Uint32Array; starts: Uint32Array; ends: Uint32Array; count: number } {
  const cap = (text.length >> 1) + 1;
  if (scratch.hashes.length < cap)
    scratch = { hashes: new Uint32Array(cap * 2), starts: new Uint32Array(cap * 2), ends: new Uint32Array(cap * 2) };
  const { hashes, starts, ends } = scratch;
  let count = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    let c = text.charCodeAt(i);
    // Skip to the next word character.
    if (!(c < 128 ? (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) : isWordChar(text, i))) {
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      continue;
    }
    const start = i;
    let h = 0x811c9dc5;
    let ascii = true;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 128) {
        if (c >= 65 && c <= 90) c += 32;
        else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) break;
        h = Math.imul(h ^ c, 0x01000193);
        i++;
      } else {
        if (!isWordChar(text, i)) break;
        ascii = false;
        i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      }
    }
    hashes[count] = ascii ? h >>> 0 : fnv(fold(text.slice(start, i)));
    starts[count] = start;
    ends[count] = i;
    count++;
  }
  return { hashes, starts, ends, count };
}

function isWordChar(text: string, i: number): boolean {
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(i)!));
}

/** Indices of the n-grams winnowing keeps, into `gramScratch` (valid until the next call). */
function winnow(text: string): { grams: Uint32Array; starts: Uint32Array; ends: Uint32Array; picked: number[] } {
  const { hashes, starts, ends, count } = wordHashes(text);
  const picked: number[] = [];
  if (count < NGRAM) return { grams: gramScratch, starts, ends, picked };
  const grams = count - NGRAM + 1;
  if (gramScratch.length < grams) gramScratch = new Uint32Array(grams * 2);
  const gramHashes = gramScratch;
  for (let i = 0; i < grams; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < NGRAM; j++) h = mix(h, hashes[i + j]!);
    gramHashes[i] = h;
  }
  if (grams <= WINDOW) {
    let min = 0;
    for (let g = 1; g < grams; g++) if (gramHashes[g]! < gramHashes[min]!) min = g;
    picked.push(min);
    return { grams: gramHashes, starts, ends, picked };
  }
  let last = -1;
  for (let i = 0; i + WINDOW <= grams; i++) {
    let min = i;
    for (let j = i + 1; j < i + WINDOW; j++) if (gramHashes[j]! <= gramHashes[min]!) min = j;
    if (min !== last) {
      picked.push(min);
      last = min;
    }
  }
  return { grams: gramHashes, starts, ends, picked };
}

export function fingerprints(text: string): Fingerprint[] {
  const { grams, starts, ends, picked } = winnow(text);
  return picked.map((g) => ({ hash: grams[g]!, start: starts[g]!, end: ends[g + NGRAM - 1]! }));
}

/** The distinct fingerprint hashes of a text, ascending: what registration stores (no spans, no objects). */
export function fingerprintHashes(text: string): Uint32Array {
  const { grams, picked } = winnow(text);
  const sorted = new Uint32Array(picked.length);
  for (let i = 0; i < picked.length; i++) sorted[i] = grams[picked[i]!]!;
  sorted.sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i]!;
  return distinct === sorted.length ? sorted : sorted.slice(0, distinct);
}
