import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../wire/json.ts';
import type { EventBatch, EventStream } from '../../wire/stream.ts';
import {
  eventsNamingModel,
  jsonNamingModel,
  modelValueAt,
  RESPONSE_OBJECT_EVENTS,
  withModelLiteral,
} from './model-field.ts';

const chunk =
  '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}';

describe('withModelLiteral', () => {
  it('names the model in a chunk, and leaves the rest of the text as it was', () => {
    const out = withModelLiteral(chunk, '"gpt-4o"');
    expect(out).toBe(chunk.replace('"model":"gpt-4"', '"model":"gpt-4o"'));
  });

  it('returns the very text when it already names the model, or names none', () => {
    expect(withModelLiteral(chunk, '"gpt-4"')).toBe(chunk);
    expect(withModelLiteral('{"id":"x","choices":[]}', '"gpt-4o"')).toBe('{"id":"x","choices":[]}');
    expect(withModelLiteral('{"model":null,"choices":[]}', '"gpt-4o"')).toBe('{"model":null,"choices":[]}');
  });

  it('reads spaced JSON, escapes, and text that mentions "model"', () => {
    expect(withModelLiteral('{ "model" : "gpt-4", "x": 1 }', '"gpt-4o"')).toBe('{ "model" : "gpt-4o", "x": 1 }');
    expect(withModelLiteral('{"model":"we\\"ird\\\\","x":1}', '"gpt-4o"')).toBe('{"model":"gpt-4o","x":1}');
    const text =
      '{"choices":[{"delta":{"content":"say \\"model\\": no, or \\"model\\""}}],"object":"model","model":"gpt-4"}';
    expect(JSON.parse(withModelLiteral(text, '"gpt-4o"'))).toEqual({ ...JSON.parse(text), model: 'gpt-4o' });
    // A key whose name ends in an escaped quote and "model" is not the model.
    expect(JSON.parse(withModelLiteral('{"a\\"model":"x","model":"y"}', '"z"'))).toEqual({
      'a"model': 'x',
      model: 'z',
    });
    expect(modelValueAt('{"a":"model","b":["model"]}')).toBe(-1);
  });
});

describe('jsonNamingModel', () => {
  it("splices the name into the vendor's text when the key is surely the reply's own", () => {
    const text =
      '{"id":"c","object":"chat.completion","created":1,"model":"gpt-4-0613","choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]}';
    expect(jsonNamingModel(JSON.parse(text) as JsonObject, text, 'gpt-4o')).toBe(text.replace('gpt-4-0613', 'gpt-4o'));
    // Embeddings: data first, but no other key named model.
    const embeddings =
      '{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"model":"embed-v1","usage":{"prompt_tokens":1,"total_tokens":1}}';
    expect(jsonNamingModel(JSON.parse(embeddings) as JsonObject, embeddings, 'text-embedding-3-small')).toBe(
      embeddings.replace('embed-v1', 'text-embedding-3-small'),
    );
  });

  it('serialises the body again when the text cannot be trusted to say where the model is', () => {
    const nested = '{"meta":{"model":"gpt-4"},"model":"gpt-4"}';
    expect(JSON.parse(jsonNamingModel(JSON.parse(nested) as JsonObject, nested, 'gpt-4o'))).toEqual({
      meta: { model: 'gpt-4' },
      model: 'gpt-4o',
    });
    const escaped = '{"model":"gpt\\u002d4","choices":[]}';
    expect(JSON.parse(jsonNamingModel(JSON.parse(escaped) as JsonObject, escaped, 'gpt-4o'))).toEqual({
      model: 'gpt-4o',
      choices: [],
    });
    expect(JSON.parse(jsonNamingModel({ model: 'gpt-4', choices: [] }, undefined, 'gpt-4o'))).toEqual({
      model: 'gpt-4o',
      choices: [],
    });
    expect(JSON.parse(jsonNamingModel({ choices: [] }, '{"choices":[]}', 'gpt-4o'))).toEqual({
      choices: [],
      model: 'gpt-4o',
    });
  });

  it("returns the vendor's text untouched when it already names the model", () => {
    const text = '{"model":"gpt-4o","choices":[]}';
    expect(jsonNamingModel(JSON.parse(text) as JsonObject, text, 'gpt-4o')).toBe(text);
  });

  it('always yields the body with the model renamed, whatever else the reply holds (property)', () => {
    // Keys and texts that look like the model's, nested objects that have one, strings with quotes and escapes.
    const key = fc.oneof(fc.string(), fc.constantFrom('model', 'a"model', 'model\\', ' model'));
    const text = fc.oneof(fc.string(), fc.constantFrom('"model":"x"', '\\"model\\":', 'model', '{"model":1}'));
    const json = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      text,
      fc.object({ key, maxDepth: 2, values: [fc.jsonValue({ maxDepth: 1 }), text] }),
    );
    const withModelKey = fc
      .tuple(fc.dictionary(key, json, { maxKeys: 5 }), fc.dictionary(key, json, { maxKeys: 5 }), text, fc.nat(3))
      .map(([before, after, model, spaces]) => ({ before, after, model, spaces }));
    fc.assert(
      fc.property(withModelKey, text, ({ before, after, model, spaces }, name) => {
        const body: JsonObject = {};
        for (const [k, v] of Object.entries(before)) if (k !== 'model') body[k] = v;
        body.model = model;
        for (const [k, v] of Object.entries(after)) if (k !== 'model') body[k] = v;
        const vendorText = JSON.stringify(body, null, spaces);
        const expected = JSON.parse(vendorText) as JsonObject;
        expected.model = name;
        const out = jsonNamingModel(JSON.parse(vendorText) as JsonObject, vendorText, name);
        expect(JSON.parse(out)).toEqual(expected);
      }),
      { numRuns: 500, seed: 23 },
    );
  });
});

describe('eventsNamingModel', () => {
  async function* source(batches: EventBatch[], closed: { value: boolean }): AsyncGenerator<EventBatch> {
    try {
      for (const b of batches) yield b;
    } finally {
      closed.value = true;
    }
  }

  it('names the model in every chat chunk, batch by batch', async () => {
    const closed = { value: false };
    const batches: EventBatch[] = [
      [{ data: chunk, text: 'Hi', usage: null }],
      [
        { data: chunk, usage: null },
        { data: chunk, usage: null },
      ],
    ];
    const seen: string[] = [];
    for await (const batch of eventsNamingModel(source(batches, closed), 'gpt-4o'))
      for (const e of batch) seen.push((JSON.parse(e.data) as JsonObject).model as string);
    expect(seen).toEqual(['gpt-4o', 'gpt-4o', 'gpt-4o']);
    expect(closed.value).toBe(true);
  });

  it('touches only the named events of a Responses stream', async () => {
    const created =
      '{"type":"response.created","sequence_number":0,"response":{"id":"r","object":"response","model":"gpt-4","output":[]}}';
    const delta = '{"type":"response.output_text.delta","sequence_number":1,"delta":"\\"model\\":\\"x\\""}';
    const events: EventStream = source(
      [
        [
          { event: 'response.created', data: created, usage: null },
          { event: 'response.output_text.delta', data: delta, usage: null },
        ],
      ],
      { value: false },
    );
    const out: string[] = [];
    for await (const batch of eventsNamingModel(events, 'gpt-4o', RESPONSE_OBJECT_EVENTS))
      for (const e of batch) out.push(e.data);
    expect(out).toEqual([created.replace('"gpt-4"', '"gpt-4o"'), delta]);
  });

  it('closes the stream under it when the reader stops early', async () => {
    const closed = { value: false };
    for await (const batch of eventsNamingModel(
      source([[{ data: chunk, usage: null }], [{ data: chunk, usage: null }]], closed),
      'gpt-4o',
    )) {
      expect(batch).toHaveLength(1);
      break;
    }
    expect(closed.value).toBe(true);
  });
});
