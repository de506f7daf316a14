// The documented schemas (./schema.ts) and the hot path's hand-written checks (./validate.ts) give the same verdict.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { chatCompletionRequestSchema, embeddingsRequestSchema, responsesRequestSchema } from './schema.ts';
import { validateChatRequest, validateEmbeddingsRequest, validateResponsesRequest } from './validate.ts';

const accepts = (validate: (raw: unknown) => unknown, body: unknown) => {
  try {
    validate(body);
    return true;
  } catch {
    return false;
  }
};

// Values of every JSON type, with the edges the checks care about.
const any = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 200 }),
  fc.constantFrom(0.5, 1.5, 2.5),
  fc.constantFrom('', 'gpt-4o', 'user', 'tool', 'function', 'float', 'base64', 'text'),
  fc.constant([]),
  fc.constant({}),
);
/** Mostly a value of the right shape, now and then anything: most bodies are valid, many are one mistake away. */
const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 40, arbitrary: valid }, { weight: 1, arbitrary: any });
/** A number in [lo, hi], or just outside it, or (for integers) a fraction. */
const num = (lo: number, hi: number, integer = true) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(lo - 1, lo, hi, hi + 1, ...(integer ? [lo + 0.5] : [])) },
    {
      weight: 12,
      arbitrary: integer ? fc.integer({ min: lo, max: hi }) : fc.double({ min: lo, max: hi, noNaN: true }),
    },
  );
const record = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => fc.record(fields, { requiredKeys: [] });

const part = field(fc.record({ type: field(fc.constantFrom('text', 'image_url')), text: fc.string() }));
const message = field(
  fc.oneof(
    fc.record({
      role: field(fc.constantFrom('system', 'developer', 'user')),
      content: field(fc.oneof(fc.string(), fc.array(part, { maxLength: 2 }))),
    }),
    record({ role: fc.constant('assistant'), content: field(fc.string()), tool_calls: field(fc.constant([])) }),
    record({ role: fc.constant('tool'), content: fc.string(), tool_call_id: field(fc.string()) }),
  ),
);
const chat = fc.record(
  {
    model: field(fc.constantFrom('gpt-4o', 'm')),
    messages: field(fc.array(message, { minLength: 1, maxLength: 3 })),
    stream: field(fc.constantFrom(true, true, true, false)),
    stream_options: field(record({ include_usage: field(fc.boolean()) })),
    n: field(num(1, 128)),
    max_tokens: field(num(1, 10_000_000)),
    max_completion_tokens: field(num(1, 10_000_000)),
    temperature: field(num(0, 2, false)),
    top_p: field(num(0, 1, false)),
    presence_penalty: field(num(-2, 2, false)),
    frequency_penalty: field(num(-2, 2, false)),
    logprobs: field(fc.boolean()),
    top_logprobs: field(num(0, 20)),
    tools: field(
      fc.array(
        field(record({ type: field(fc.constant('function')), function: field(record({ name: field(fc.string()) })) })),
        { maxLength: 2 },
      ),
    ),
    response_format: field(record({ type: field(fc.constantFrom('text', 'json_object')) })),
    user: field(fc.string()),
    seed: any,
  },
  { requiredKeys: ['model', 'messages'] },
);
const responses = fc.record(
  {
    model: field(fc.constantFrom('gpt-4o')),
    input: field(
      fc.oneof(
        fc.string(),
        fc.array(
          field(
            fc.oneof(
              record({ role: fc.constant('user'), content: fc.string() }),
              fc.record({
                type: fc.constant('function_call_output'),
                call_id: field(fc.string()),
                output: field(fc.oneof(fc.string(), fc.constant([]))),
              }),
              fc.record({
                type: fc.constant('function_call'),
                call_id: field(fc.string()),
                name: field(fc.string()),
                arguments: field(fc.string()),
              }),
              fc.record({ type: fc.constant('item_reference'), id: field(fc.string()) }),
            ),
          ),
          { maxLength: 2 },
        ),
      ),
    ),
    instructions: field(fc.string()),
    stream: field(fc.boolean()),
    store: field(fc.boolean()),
    previous_response_id: field(fc.string()),
    max_output_tokens: field(num(1, 10_000_000)),
    temperature: field(num(0, 2, false)),
    top_p: field(num(0, 1, false)),
    tools: field(
      fc.array(
        field(fc.record({ type: field(fc.constantFrom('function', 'web_search_preview')), name: field(fc.string()) })),
        { maxLength: 2 },
      ),
    ),
    tool_choice: field(
      fc.oneof(
        fc.constantFrom('none', 'auto', 'required'),
        fc.record({ type: field(fc.constantFrom('function', 'file_search')), name: field(fc.string()) }),
      ),
    ),
  },
  { requiredKeys: ['model', 'input'] },
);
const embeddings = fc.record(
  {
    model: field(fc.constantFrom('text-embedding-3-small')),
    input: field(
      fc.oneof(
        fc.string(),
        fc.array(field(fc.string()), { maxLength: 2 }),
        fc.array(field(fc.integer()), { maxLength: 2 }),
        fc.array(field(fc.array(fc.integer(), { maxLength: 2 })), { maxLength: 2 }),
      ),
    ),
    encoding_format: field(fc.constantFrom('float', 'base64')),
    dimensions: field(num(1, 65_536)),
  },
  { requiredKeys: ['model', 'input'] },
);

describe('documented request schemas', () => {
  const cases: Array<[string, fc.Arbitrary<unknown>, z.ZodType, (raw: unknown) => unknown]> = [
    ['chat completions', chat, chatCompletionRequestSchema, validateChatRequest],
    ['responses', responses, responsesRequestSchema, validateResponsesRequest],
    ['embeddings', embeddings, embeddingsRequestSchema, validateEmbeddingsRequest],
  ];
  for (const [name, bodies, schema, validate] of cases) {
    it(`${name}: the schema accepts exactly what the gateway accepts`, () => {
      let accepted = 0;
      const runs = 4000;
      fc.assert(
        fc.property(fc.oneof({ weight: 20, arbitrary: bodies }, { weight: 1, arbitrary: any }), (body) => {
          const verdict = accepts(validate, body);
          if (verdict) accepted++;
          expect(schema.safeParse(body).success).toBe(verdict);
        }),
        { numRuns: runs, seed: 23 },
      );
      // Both verdicts are well represented, so agreement means something.
      expect(accepted).toBeGreaterThan(runs / 10);
      expect(accepted).toBeLessThan(runs * 0.9);
    });
  }
});
