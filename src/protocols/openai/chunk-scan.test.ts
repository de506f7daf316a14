import { describe, expect, it } from 'vitest';
import { scanContentDelta } from './chunk-scan.ts';

const chunk = (delta: object, extra: object = {}) =>
  JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
    ...extra,
  });

describe('scanContentDelta', () => {
  it('reads plain, escaped and unicode content exactly as JSON.parse would', () => {
    for (const text of ['hello', ' with "quotes"', 'back\\slash\\', 'line\nbreak', 'émoji 🎉', '\\"', '']) {
      expect(scanContentDelta(chunk({ content: text }))).toBe(text);
    }
    expect(scanContentDelta(chunk({ role: 'assistant', content: '' }))).toBe('');
    expect(scanContentDelta(chunk({}))).toBe('');
    expect(scanContentDelta(chunk({ content: null }))).toBe('');
  });

  it('asks for a full parse for anything unusual or malformed', () => {
    expect(scanContentDelta(chunk({}, { usage: { prompt_tokens: 1, completion_tokens: 2 } }))).toBeNull();
    expect(scanContentDelta(chunk({ tool_calls: [{ index: 0, function: { arguments: '{' } }] }))).toBeNull();
    expect(
      scanContentDelta(
        JSON.stringify({
          choices: [
            { index: 0, delta: { content: 'a' } },
            { index: 1, delta: { content: 'b' } },
          ],
        }),
      ),
    ).toBeNull();
    expect(scanContentDelta('{"id": "broken", "choices": [')).toBeNull();
    expect(scanContentDelta('<html>')).toBeNull();
    expect(scanContentDelta(JSON.stringify({ error: { message: 'x' } }))).toBeNull();
  });

  it('treats a null usage field (sent on every chunk by some vendors) as ordinary', () => {
    expect(scanContentDelta(chunk({ content: 'x' }, { usage: null }))).toBe('x');
  });
});

describe('scanContentDelta and finish reasons', () => {
  it('parses the chunk that ends a choice fully, so its finish_reason is seen', () => {
    expect(scanContentDelta(JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }))).toBeNull();
  });
});
