import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { prng } from '../../util/prng.ts';
import { Prose } from './prose.ts';
import { valueForSchema } from './schema-value.ts';

// Both are CommonJS with the export on `default` as well as on module.exports.
const ajv = new ajv2020.default({ strict: false, allErrors: true });
ajvFormats.default(ajv);

const schemas: Record<string, object> = {
  'strict nested object with enums, arrays and formats': {
    type: 'object',
    additionalProperties: false,
    required: ['title', 'status', 'tags', 'author', 'published', 'rating', 'id'],
    properties: {
      title: { type: 'string', minLength: 3, maxLength: 40 },
      status: { type: 'string', enum: ['draft', 'review', 'published'] },
      tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 4, uniqueItems: true },
      author: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'email', 'homepage'],
        properties: {
          name: { type: 'string' },
          email: { type: 'string', format: 'email' },
          homepage: { type: ['string', 'null'], format: 'uri' },
        },
      },
      published: { type: 'string', format: 'date-time' },
      rating: { type: 'number', minimum: 1, maximum: 5 },
      id: { type: 'string', format: 'uuid' },
    },
  },
  'numbers with exclusive bounds and multipleOf': {
    type: 'object',
    required: ['count', 'share', 'step'],
    properties: {
      count: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 },
      share: { type: 'number', minimum: 0, maximum: 1 },
      step: { type: 'integer', multipleOf: 15, minimum: 10, maximum: 100 },
    },
  },
  'recursive tree through $defs': {
    $defs: {
      node: {
        type: 'object',
        additionalProperties: false,
        required: ['label', 'children'],
        properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
      },
    },
    $ref: '#/$defs/node',
  },
  'anyOf, const, allOf and a pattern': {
    type: 'object',
    required: ['kind', 'value', 'merged', 'code', 'day'],
    properties: {
      kind: { const: 'answer' },
      value: { anyOf: [{ type: 'integer', minimum: 100 }, { type: 'string', format: 'date' }, { type: 'null' }] },
      merged: {
        allOf: [
          { type: 'object', properties: { a: { type: 'boolean' } }, required: ['a'] },
          { properties: { b: { type: 'string', maxLength: 5 } }, required: ['b'] },
        ],
      },
      code: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
      day: { type: 'string', format: 'date' },
    },
  },
  'top-level array of objects': {
    type: 'array',
    minItems: 2,
    maxItems: 3,
    items: {
      type: 'object',
      required: ['name', 'population'],
      properties: { name: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
    },
  },
};

describe('JSON Schema values', () => {
  it.each(Object.entries(schemas))('%s: valid for every seed', (_name, schema) => {
    const validate = ajv.compile(schema);
    for (let seed = 1; seed <= 200; seed++) {
      const random = prng(seed);
      const value = valueForSchema(schema, {
        random,
        prose: new Prose(['lighthouses'], random),
        strict: seed % 2 === 0,
      });
      if (!validate(value)) expect.fail(`seed ${seed}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
    }
  });

  it('fills every property in strict mode and reads as prose on the topic', () => {
    const random = prng(7);
    const schema = {
      type: 'object',
      properties: { summary: { type: 'string' }, note: { type: 'string' } },
      required: [],
    };
    const value = valueForSchema(schema, { random, prose: new Prose(['lighthouses'], random), strict: true }) as {
      summary: string;
      note: string;
    };
    expect(Object.keys(value).sort()).toEqual(['note', 'summary']);
    expect(value.summary).toMatch(/lighthouses/i);
    expect(value.summary.split(' ').length).toBeGreaterThan(5);
  });
});
