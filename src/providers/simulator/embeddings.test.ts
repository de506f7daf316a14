import { describe, expect, it } from 'vitest';
import { embed } from './embeddings.ts';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('simulator embeddings', () => {
  const pairs: Array<[string, string, string]> = [
    ['The cat sat on the mat.', 'A cat was sitting on the mat.', 'Quarterly revenue grew in the European market.'],
    [
      'How do I reset my account password?',
      'I forgot my password and need to reset my account.',
      'The orchestra played a symphony by Brahms.',
    ],
    [
      'Ships anchored in the harbour overnight.',
      'The harbour was full of anchored ships.',
      'Photosynthesis turns sunlight into chemical energy.',
    ],
  ];

  it.each(pairs)('puts "%s" near a paraphrase and far from an unrelated text', (text, similar, unrelated) => {
    for (const dimensions of [256, 1536]) {
      const a = embed(text, dimensions);
      expect(cosine(a, embed(similar, dimensions))).toBeGreaterThan(0.5);
      expect(Math.abs(cosine(a, embed(unrelated, dimensions)))).toBeLessThan(0.25);
    }
    // Few dimensions leave more room for hash collisions: the order still holds.
    const a = embed(text, 64);
    expect(cosine(a, embed(similar, 64))).toBeGreaterThan(Math.abs(cosine(a, embed(unrelated, 64))) + 0.2);
  });

  it('are unit length and deterministic', () => {
    const v = embed('Lighthouses guide ships at night.', 256);
    expect(cosine(v, v)).toBeCloseTo(1, 5);
    expect([...embed('Lighthouses guide ships at night.', 256)]).toEqual([...v]);
  });
});
