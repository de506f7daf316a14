// Gathering a stream's outputs as the SDKs assemble them: by choice, in arrival order, scanned and parsed chunks alike.
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../wire/stream.ts';
import { jsonOutputs, scannedChoiceIndex, StreamOutputs } from './reply-outputs.ts';

const scanned = (index: number, text: string): StreamEvent => ({
  data: JSON.stringify({ id: 'c', choices: [{ index, delta: { content: text }, finish_reason: null }] }),
  text,
  usage: null,
});
const parsed = (choices: unknown[]): StreamEvent => {
  const chunk = { id: 'c', choices };
  return { data: JSON.stringify(chunk), chunk, usage: null };
};

describe('StreamOutputs', () => {
  it('keeps choice 0 in arrival order across scanned and parsed chunks', () => {
    const out = new StreamOutputs(false);
    out.add(scanned(0, 'A'));
    out.add(
      parsed([
        {
          index: 0,
          delta: {
            content: 'B',
            refusal: null,
            tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"x"' } }],
          },
        },
      ]),
    );
    out.add(scanned(0, 'C'));
    out.add(parsed([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] } }]));
    expect(out.outputs()).toEqual([
      { content: 'ABC', refusal: '', tool_calls: [{ type: 'function', name: 'f', arguments: '{"x":1}' }] },
    ]);
  });

  it('gathers several choices, interleaved, by index', () => {
    const out = new StreamOutputs(true);
    out.add(scanned(1, 'one '));
    out.add(scanned(0, 'zero '));
    out.add(
      parsed([
        { index: 1, delta: { content: 'uno' } },
        { index: 0, delta: { refusal: 'no' } },
      ]),
    );
    expect(out.outputs()).toEqual([
      { content: 'zero ', refusal: 'no', tool_calls: [] },
      { content: 'one uno', refusal: '', tool_calls: [] },
    ]);
  });

  it('an empty stream is one empty choice', () => {
    expect(new StreamOutputs(false).outputs()).toEqual([{ content: '', refusal: '', tool_calls: [] }]);
  });
});

describe('jsonOutputs', () => {
  it('reads every choice by its index, tool calls and the deprecated function_call included', () => {
    const body = {
      choices: [
        { index: 1, message: { content: 'second' } },
        {
          index: 0,
          message: {
            content: null,
            tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }],
            function_call: { name: 'g', arguments: '[]' },
          },
        },
      ],
    };
    expect(jsonOutputs(body)).toEqual([
      {
        content: '',
        refusal: '',
        tool_calls: [
          { type: 'function', name: 'f', arguments: '{}' },
          { type: 'function', name: 'g', arguments: '[]' },
        ],
      },
      { content: 'second', refusal: '', tool_calls: [] },
    ]);
  });
});

it('scannedChoiceIndex reads the one choice index of a scanned chunk', () => {
  expect(scannedChoiceIndex('{"choices":[{"index":12,"delta":{"content":"x"}}]}')).toBe(12);
  expect(scannedChoiceIndex('{"choices":[{"index": 3,"delta":{}}]}')).toBe(3);
  expect(scannedChoiceIndex('{"choices":[{"delta":{"content":"x"}}]}')).toBe(0);
});
