// The shape checks refuse what a client would trip on, and take every shape vendors really send.
import { describe, expect, it } from 'vitest';
import { fixtureJson, fixtureText } from '../../../test/helpers/vendor-replay.ts';
import type { JsonObject } from '../../wire/json.ts';
import {
  chatChunkProblem,
  chatReplyProblem,
  embeddingsReplyProblem,
  responsesEventProblem,
  responsesReplyProblem,
} from './reply-shape.ts';

/** The data of a recorded stream's events, parsed (the [DONE] sentinel left out). */
const events = (file: string): JsonObject[] =>
  fixtureText(file)
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as JsonObject);

describe('reply shapes', () => {
  it('take the recorded vendor replies and streams', () => {
    for (const file of [
      'openai/chat-completion.json',
      'azure/chat-completion.json',
      'azure/chat-completion-filtered.json',
    ])
      expect([file, chatReplyProblem(fixtureJson<JsonObject>(file))]).toEqual([file, undefined]);
    expect(responsesReplyProblem(fixtureJson<JsonObject>('openai/responses.json'))).toBeUndefined();
    for (const file of ['openai/chat-completion-stream.sse', 'azure/chat-completion-stream.sse'])
      for (const chunk of events(file)) expect([file, chatChunkProblem(chunk)]).toEqual([file, undefined]);
    for (const event of events('openai/responses-stream.sse')) expect(responsesEventProblem(event)).toBeUndefined();
  });

  it('take what some OpenAI-compatible vendors send: content as parts, a null delta, a tool-call piece alone', () => {
    expect(chatReplyProblem({ choices: [{ message: { content: [{ type: 'text', text: 'hi' }] } }] })).toBeUndefined();
    expect(chatChunkProblem({ choices: [{ index: 0, delta: null, finish_reason: 'stop' }] })).toBeUndefined();
    expect(
      chatChunkProblem({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1' }] } }] }),
    ).toBeUndefined();
    expect(chatChunkProblem({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } })).toBeUndefined();
    expect(embeddingsReplyProblem({ data: [{ index: 0, embedding: 'AAAAAA==' }] })).toBeUndefined();
  });

  it('name the first field a client would trip on', () => {
    expect(chatReplyProblem({ choices: [{ message: { content: 'ok' } }, { message: { content: 42 } }] })).toBe(
      'choices[1].message.content is not text',
    );
    expect(
      chatReplyProblem({ choices: [{ message: { content: null, tool_calls: [{ function: { arguments: '{}' } }] } }] }),
    ).toBe('choices[0].message.tool_calls[0] is not a function call with a name and text arguments');
    expect(chatChunkProblem({ choices: [{ delta: { content: 'a' } }, null] })).toBe(
      'stream event choices[1] is not an object',
    );
    expect(responsesReplyProblem({ output: [{ type: 'message', content: [{ type: 'output_text', text: 7 }] }] })).toBe(
      'output[0].content[0].text is not text',
    );
    expect(responsesEventProblem({ type: 'response.output_item.added', item: null })).toBe(
      'response.output_item.added event: item is not an object',
    );
    expect(embeddingsReplyProblem({ data: [{ embedding: {} }] })).toBe('data[0].embedding is not a vector');
  });
});
