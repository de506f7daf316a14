import { describe, expect, it } from 'vitest';
import { GrowingText } from './growing-text.ts';

describe('GrowingText', () => {
  it('is the pieces appended, in order, across flattening', () => {
    const text = new GrowingText();
    const pieces = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? '' : ` w${i}é`));
    for (const piece of pieces) text.append(piece);
    expect(text.value).toBe(pieces.join(''));
    expect(text.take()).toBe(pieces.join(''));
    expect(text.value).toBe('');
    text.append('again');
    expect(text.value).toBe('again');
  });
});
