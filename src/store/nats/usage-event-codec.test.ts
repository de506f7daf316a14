// The codec's fast path never accepts what the schema rejects, and returns what the schema would; events as nodes
// write them take it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { usageEvent } from '../../../test/helpers/usage-event.ts';
import type { UsageEvent } from '../ports.ts';
import {
  decodeUsageEvent,
  decodeUsageMessage,
  encodeUsageEvent,
  usageEventSchema,
  usageMessageOf,
  wellFormed,
} from './usage-event-codec.ts';

const valid: UsageEvent = usageEvent('req_1', { ts: '2026-12-06T01:14:48.123Z', cost_micros: -100 });

/** Values near every edge the schema draws, of every JSON type. */
const edgy = fc.constantFrom<unknown>(
  '',
  'x',
  'x'.repeat(512),
  'x'.repeat(513),
  'DE',
  '123456789',
  0,
  -1,
  1.5,
  99,
  100,
  599,
  600,
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53),
  1e300,
  true,
  null,
  [],
  {},
  '2026-12-06T01:14:48.123Z',
  '2026-12-06T01:14:48Z',
  '2026-12-06T01:14:48.123456Z',
  '2026-12-06T01:14:48.123+01:00',
  '2026-02-29T00:00:00.000Z',
  '2024-02-29T00:00:00.000Z',
  '2026-13-01T00:00:00.000Z',
  '2026-04-31T00:00:00.000Z',
  '2026-12-06T24:00:00.000Z',
  '0000-01-01T00:00:00.000Z',
  '2026-12-06t01:14:48.123z',
);

const fields = Object.keys(valid).concat('interim', 'extra');

describe('usage event codec', () => {
  it('takes events as nodes write them on the fast path, interim records included', () => {
    expect(wellFormed(JSON.parse(encodeUsageEvent(valid)))).toEqual(valid);
    const interim = { ...valid, interim: 3, ts: new Date().toISOString() };
    expect(wellFormed(JSON.parse(encodeUsageEvent(interim)))).toEqual(interim);
  });

  it('takes an event of an earlier version, which counted no cache writes, as writing none', () => {
    const { cache_write_tokens: _, cache_write_1h_tokens: __, ...earlier } = valid;
    const none = { ...valid, cache_write_tokens: 0, cache_write_1h_tokens: 0 };
    expect(wellFormed(JSON.parse(JSON.stringify(earlier)))).toEqual(none);
    expect(usageEventSchema.parse(earlier)).toEqual(none);
    const now = { ...valid, cache_write_tokens: 512, cache_write_1h_tokens: 256 };
    expect(wellFormed(JSON.parse(encodeUsageEvent(now)))).toEqual(now);
  });

  it('the fast path accepts nothing the schema rejects, and returns what the schema returns', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...fields), edgy, { maxKeys: 4 }), (changes) => {
        const json = JSON.parse(JSON.stringify({ ...valid, ...changes }));
        const fast = wellFormed(json);
        const schema = usageEventSchema.safeParse(json);
        if (fast) expect(schema.success && schema.data).toEqual(fast);
        // Whatever path it takes, decoding says what the schema says.
        const decoded = decodeUsageEvent(JSON.stringify(json));
        expect('event' in decoded).toBe(schema.success);
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads a message of several events, one a line, and names each line that is not one', () => {
    const other = { ...valid, request_id: 'req_2', interim: 0 };
    expect(decodeUsageMessage(usageMessageOf([valid, other].map(encodeUsageEvent)))).toEqual({
      events: [valid, other],
      bad: [],
    });
    // A message as nodes published one event each before messages held several.
    expect(decodeUsageMessage(encodeUsageEvent(valid))).toEqual({ events: [valid], bad: [] });
    const { events, bad } = decodeUsageMessage(`${encodeUsageEvent(valid)}\nnot json\n\n{"request_id":""}\n`);
    expect(events).toEqual([valid]);
    expect(bad.map((b) => [b.index, b.line])).toEqual([
      [1, 'not json'],
      [3, '{"request_id":""}'],
    ]);
    expect(bad[1]!.problem).toMatch(/request_id: .*; ts: /);
    expect(decodeUsageMessage('')).toEqual({
      events: [],
      bad: [{ line: '', index: 0, problem: 'no usage event in it' }],
    });
  });
});
