// Registered outputs keep matching across versions only if fingerprints never change: the fast single-pass
// implementation must equal the definition (fnv1a of each folded [\p{L}\p{N}]+ word, 5-grams mixed, winnowed).
import { describe, expect, it } from 'vitest';
import { fnv1a } from '../util/fnv.ts';
import { fingerprintHashes, fingerprints, fold, NGRAM, WINDOW, type Fingerprint } from './fingerprint.ts';
import { pseudoText } from './text-corpus.ts';

function definition(text: string): Fingerprint[] {
  const words = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({
    hash: fnv1a(fold(m[0])),
    start: m.index,
    end: m.index + m[0].length,
  }));
  const grams: Fingerprint[] = [];
  for (let i = 0; i + NGRAM <= words.length; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < NGRAM; j++) {
      h = Math.imul(h ^ words[i + j]!.hash, 0x9e3779b1);
      h = (h ^ (h >>> 15)) >>> 0;
    }
    grams.push({ hash: h, start: words[i]!.start, end: words[i + NGRAM - 1]!.end });
  }
  if (grams.length === 0) return [];
  if (grams.length <= WINDOW) return [grams.reduce((a, b) => (b.hash < a.hash ? b : a))];
  const picked: Fingerprint[] = [];
  let last = -1;
  for (let i = 0; i + WINDOW <= grams.length; i++) {
    let min = i;
    for (let j = i + 1; j < i + WINDOW; j++) if (grams[j]!.hash <= grams[min]!.hash) min = j;
    if (min !== last) picked.push(grams[(last = min)]!);
  }
  return picked;
}

describe('fingerprints', () => {
  it('equal their definition on ASCII, accented, non-Latin, emoji and astral-plane text', () => {
    const texts = [
      '',
      'one two three four',
      'one two three four five',
      'Ünïcödé café naïve — “quoted” 日本語 テキスト 🎉 emoji𝒳 mixed ÀB12c ß İstanbul ǅ Ⅻ ١٢٣ word end',
    ];
    for (let i = 0; i < 500; i++)
      texts.push(pseudoText(i, 1 + (i % 20)) + (i % 3 ? ' Éléphant—Ça va? Nº 5, ½ über' : ''));
    for (const text of texts) {
      expect(fingerprints(text)).toEqual(definition(text));
      // What registration stores: the same hashes, distinct and ascending.
      expect([...fingerprintHashes(text)]).toEqual(
        [...new Set(definition(text).map((f) => f.hash))].sort((a, b) => a - b),
      );
    }
  });
});
