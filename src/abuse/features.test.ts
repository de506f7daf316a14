// The feature extractor's fast paths give exactly what their plain definitions give.
import { describe, expect, it } from 'vitest';
import { fnv1a } from '../util/fnv.ts';
import { extract, opening, wordHashes } from './features.ts';
import type { TrafficRecord } from './record.ts';

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
      for (const text of [
        randomText(seed, ascii, seed % 90),
        randomText(seed, mixed, seed % 90),
        'Translate: Crème brûlée, naïve café-au-lait',
        "it's a well-known fact -- o'neill",
      ]) {
        expect(new Set(wordHashes(text)), text).toEqual(wordsByDefinition(text));
      }
    }
  });

  it('take the opening four words from the head of a long prompt as from the whole', () => {
    const long = `${'Word '.repeat(3)}${'x'.repeat(300)} tail 42`;
    for (const text of [
      '',
      '  lead space 12 items and more',
      'one two',
      long,
      `Σ${'a'.repeat(260)} b c d e`,
      randomText(7, ascii, 600),
      randomText(9, mixed, 600),
    ]) {
      expect(opening(text), text).toBe(openingByDefinition(text));
    }
  });

  it('read a Responses API request as the chat request it stands for', () => {
    const record = (request: TrafficRecord['request']): TrafficRecord => ({
      ts: '2026-03-02T10:00:00Z',
      org: 'o',
      key: 'k',
      ip: 'a',
      request,
      response: { usage: { prompt_tokens: 40, completion_tokens: 900 } },
    });
    const { t: _t, ...chat } = extract(
      record({
        model: 'm',
        reasoning_effort: 'high',
        top_logprobs: 3,
        messages: [
          { role: 'system', content: 'Be a tutor.' },
          { role: 'user', content: 'Explain tidal locking of moons' },
          { role: 'assistant', content: 'It is...' },
          { role: 'user', content: [{ type: 'text', text: 'And for planets orbiting dwarfs?' }] },
        ],
      }),
    );
    const {
      t: _u,
      threadKey,
      ...responses
    } = extract(
      record({
        model: 'm',
        reasoning: { effort: 'high' },
        top_logprobs: 3,
        instructions: 'Be a tutor.',
        input: [
          { role: 'user', content: 'Explain tidal locking of moons' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'It is...' }] },
          {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: 'And for planets orbiting dwarfs?' }],
          },
        ],
      }),
    );
    expect(threadKey).toBeUndefined();
    expect(responses).toEqual({ ...chat, threadKey: undefined, previousKey: undefined });
    expect(chat).toMatchObject({ singleTurn: false, logprobs: true, reasoning: true, assistantTurns: 1 });

    // A follow-up by reference continues a conversation the vendor stores: not a one-shot prompt.
    const followUp = extract({
      ...record({ model: 'm', input: 'And for planets?', previous_response_id: 'resp_1' }),
      response: { id: 'resp_2' },
    });
    expect(followUp).toMatchObject({ singleTurn: false, previousKey: fnv1a('resp_1'), threadKey: fnv1a('resp_2') });
  });
});
