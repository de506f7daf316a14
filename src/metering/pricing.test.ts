import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Org, VersionedStore } from '../store/ports.ts';
import { priceBookSchema } from './pricebook.ts';
import { PricingService } from './pricing.ts';

// Per million tokens: Claude's list price, its cache writes at 1.25x input.
const book = priceBookSchema.parse({
  currency: 'USD',
  versions: [
    {
      effective_from: '2026-01-01',
      vendor_costs: [{ deployment: 'claude-eu', input: '3.00', cache_write: '3.75', output: '15.00' }],
      list_prices: [{ model: 'claude-sonnet-4', input: '3.60', cache_write: '4.50', output: '18.00' }],
    },
  ],
});
// The budget reservation reads neither the stored book nor the audit log.
const pricing = new PricingService(book, {} as VersionedStore, {} as AuditLog);
const org = { id: 'org_1', tier: 'verified', pricing: null } as Org;

describe('a budget reservation', () => {
  it('holds every prompt token at the dearer of the input and cache-write rates: the price cannot exceed it', () => {
    // 1,000 prompt tokens at 4.50 and 100 completion tokens at 18.00: 4,500 + 1,800 micro-USD.
    expect(pricing.upperBound(org, 'claude-sonnet-4', '2026-03-01T00:00:00.000Z', 1_000, 100)).toBe(6_300n);
    const allWritten = pricing.charge(
      {
        ts: '2026-03-01T00:00:00.000Z',
        deployment: 'claude-eu',
        model: 'claude-sonnet-4',
        endpoint: 'chat',
        prompt_tokens: 1_000,
        cached_tokens: 0,
        cache_write_tokens: 1_000,
        completion_tokens: 100,
        reasoning_tokens: 0,
      },
      org,
    );
    expect(allWritten).toEqual({ cost_micros: 5_250, list_price_micros: 6_300, price_micros: 6_300 });
  });
});
