// The feature extractor's fast paths give exactly what their plain definitions give.
import { describe, expect, it } from 'vitest';
import { fnv1a } from '../util/fnv.ts';
import { opening, wordHashes } from './features.ts';

const WORD = /[\p{L}][\p{L}\p{M}'-]{3,}/gu;
const wordsByDefinition = (text: string) => new Set([...text.toLowerCase().matchAll(WORD)].map((m) => fnv1a(m[0])));
const openingByDefinition = (text: string) => text.toLowerCase().replace(/\d+/g, '#').split(/\s+/, 4).join(' ');

function randomText(seed: number, alphabet: string, length: number): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

describe('request features', () => {
  const ascii = "abcdeXYZ  ''--12.,!\n\t";
  const mixed = `${ascii}éÉßΣσ\u0301日本`;

  it('hash the same words as the regular expression that defines them, ASCII or not', () => {
    for (let seed = 1; seed <= 400; seed++) {
      for (const text of [randomText(seed, ascii, seed % 90), randomText(seed, mixed, seed % 90), 'Translate: Crème brûlée, naïve café-au-lait', "it's a well-known fact -- o'neill"]) {
        expect(new Set(wordHashes(text)), text).toEqual(wordsByDefinition(text));
      }
    }
  });

  it('take the opening four words from the head of a long prompt as from the whole', () => {
    const long = `${'Word '.repeat(3)}${'x'.repeat(300)} tail 42`;
    for (const text of ['', '  lead space 12 items and more', 'one two', long, `Σ${'a'.repeat(260)} b c d e`, randomText(7, ascii, 600), randomText(9, mixed, 600)]) {
      expect(opening(text), text).toBe(openingByDefinition(text));
    }
  });
});
