import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Org, VersionedStore } from '../store/ports.ts';
import { priceBookSchema } from './pricebook.ts';
import { PricingService } from './pricing.ts';

// Per million tokens: Claude's prices, its cache writes at 1.25x input, those kept an hour at 2x.
const book = priceBookSchema.parse({
  currency: 'USD',
  versions: [
    {
      effective_from: '2026-01-01',
      vendor_costs: [
        { deployment: 'claude-eu', input: '3.00', cache_write: '3.75', cache_write_1h: '6.00', output: '15.00' },
      ],
      list_prices: [
        { model: 'claude-sonnet-4', input: '3.60', cache_write: '4.50', cache_write_1h: '7.20', output: '18.00' },
      ],
    },
  ],
});
// The budget reservation and the charge read neither the stored book nor the audit log.
const pricing = new PricingService(book, {} as VersionedStore, {} as AuditLog);
const org = { id: 'org_1', tier: 'verified', pricing: null } as Org;
const at = '2026-03-01T00:00:00.000Z';

/** The charges of 1,000 prompt tokens, all written to the cache (`forAnHour` of them kept an hour), and 100 out. */
const allWritten = (forAnHour: number) =>
  pricing.charge(
    {
      ts: at,
      deployment: 'claude-eu',
      model: 'claude-sonnet-4',
      endpoint: 'chat',
      prompt_tokens: 1_000,
      cached_tokens: 0,
      cache_write_tokens: 1_000,
      cache_write_1h_tokens: forAnHour,
      completion_tokens: 100,
      reasoning_tokens: 0,
    },
    org,
  );

describe('cache writes', () => {
  it('are priced by how long the vendor keeps them', () => {
    // 1,000 x 3.75 + 100 x 15.00 and 1,000 x 4.50 + 100 x 18.00; an hour: 6.00 and 7.20 a million.
    expect(allWritten(0)).toEqual({ cost_micros: 5_250, list_price_micros: 6_300, price_micros: 6_300 });
    expect(allWritten(1_000)).toEqual({ cost_micros: 7_500, list_price_micros: 9_000, price_micros: 9_000 });
    expect(allWritten(400)).toEqual({ cost_micros: 6_150, list_price_micros: 7_380, price_micros: 7_380 });
  });

  it('are covered by a budget reservation: every prompt token held at the dearest input-side rate', () => {
    // 1,000 x 7.20 + 100 x 18.00: what the dearest reply of that size can cost.
    expect(pricing.upperBound(org, 'claude-sonnet-4', at, 1_000, 100)).toBe(9_000n);
    expect(BigInt(allWritten(1_000).price_micros)).toBeLessThanOrEqual(9_000n);
  });
});
