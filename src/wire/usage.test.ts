// A vendor's usage report is billed from only when every count in it is a whole number, not negative.
import { describe, expect, it } from 'vitest';
import { anthropicUsage } from '../providers/anthropic/vendor-reply.ts';
import type { JsonObject } from './json.ts';
import { responsesUsageFrom, usageFrom } from './usage.ts';

const UNUSABLE = [10.5, -1, 2 ** 53, 1e300, Number.NaN, '10', true, {}];

describe('usage reports', () => {
  it('are read whole, details absent or null counting none', () => {
    expect(usageFrom({ prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: null })).toEqual({
      prompt_tokens: 10,
      completion_tokens: 3,
      cached_tokens: 0,
      cache_write_tokens: 0,
      cache_write_1h_tokens: 0,
      reasoning_tokens: 0,
    });
    expect(usageFrom({ prompt_tokens: 10, completion_tokens: 3, prompt_cache_hit_tokens: 4 })!.cached_tokens).toBe(4);
    expect(responsesUsageFrom({ input_tokens: 10, output_tokens: 3 })).toMatchObject({ prompt_tokens: 10 });
    expect(anthropicUsage({ input_tokens: 5, output_tokens: 3, cache_read_input_tokens: null })).toMatchObject({
      prompt_tokens: 5,
      cached_tokens: 0,
    });
  });

  it('with any count that is not a whole number of at least 0 are not billed from', () => {
    for (const bad of UNUSABLE) {
      const chat = [
        { prompt_tokens: bad, completion_tokens: 3 },
        { prompt_tokens: 10, completion_tokens: bad },
        { prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: { cached_tokens: bad } },
        { prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: { cache_write_tokens: bad } },
        { prompt_tokens: 10, completion_tokens: 3, completion_tokens_details: { reasoning_tokens: bad } },
        { prompt_tokens: 10, completion_tokens: 3, prompt_cache_hit_tokens: bad },
      ];
      for (const report of chat) expect([report, usageFrom(report)]).toEqual([report, null]);
      const responses = [
        { input_tokens: bad, output_tokens: 3 },
        { input_tokens: 10, output_tokens: 3, input_tokens_details: { cached_tokens: bad } },
        { input_tokens: 10, output_tokens: 3, output_tokens_details: { reasoning_tokens: bad } },
      ];
      for (const report of responses) expect([report, responsesUsageFrom(report)]).toEqual([report, null]);
      const anthropic = [
        { input_tokens: bad, output_tokens: 3 },
        { input_tokens: 10, output_tokens: bad },
        { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: bad },
        { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: bad },
        { input_tokens: 10, output_tokens: 3, cache_creation: { ephemeral_1h_input_tokens: bad } },
        { input_tokens: 10, output_tokens: 3, output_tokens_details: { thinking_tokens: bad } },
      ];
      for (const report of anthropic) expect([report, anthropicUsage(report as JsonObject)]).toEqual([report, null]);
    }
  });
});
