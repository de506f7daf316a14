import fc from 'fast-check';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { countTokens, splitPieces } from './pieces.ts';
import { planChat } from './plan.ts';
import { chatCompletion } from './replies.ts';

describe('simulator tokens', () => {
  it('split any text into pieces that join back to it, counted alike', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const pieces = splitPieces(text);
        expect(pieces.join('')).toBe(text);
        expect(countTokens(text)).toBe(pieces.length);
      }),
      { numRuns: 300 },
    );
  });

  it("bill within 10% of what the gateway's tokenizer (o200k_base) counts in the same replies", () => {
    let simulated = 0;
    let counted = 0;
    for (const content of [
      'Write three paragraphs about harbours and ships',
      'Write a long essay on the history of the printing press.',
      'Give me five tips for learning the violin',
      'Tell me about Kubernetes autoscaling',
    ]) {
      const reply = chatCompletion(planChat({ model: 'gpt-4o', messages: [{ role: 'user', content }] })) as {
        choices: Array<{ message: { content: string } }>;
        usage: { completion_tokens: number };
      };
      simulated += reply.usage.completion_tokens;
      counted += encode(reply.choices[0]!.message.content).length;
    }
    expect(Math.abs(simulated - counted) / counted).toBeLessThan(0.1);
  });
});
