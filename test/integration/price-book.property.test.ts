// Property: for any valid price book, in either unit, PUT(GET()) through the admin API changes nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

// Any valid book, in either unit: PUT it, GET it, PUT what GET returned: the second GET is the first.
const day = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const micros = fc.bigInt({ min: 0n, max: 10n ** 15n });
const amountIn = (unit: 'currency' | 'micros') => (m: bigint) =>
  unit === 'micros' ? m.toString() : `${m / 1_000_000n}.${(m % 1_000_000n).toString().padStart(6, '0')}`;
const rates = fc.record(
  {
    input: micros,
    output: micros,
    cached_input: micros,
    cache_write: micros,
    cache_write_1h: micros,
    reasoning: micros,
  },
  { requiredKeys: ['input', 'output'] },
);
const version = fc.record(
  {
    vendor_costs: fc.array(
      fc.tuple(
        fc.constantFrom('sim-openai-us-east', 'dep-b'),
        fc.option(fc.constantFrom('gpt-4o', 'm-2'), { nil: undefined }),
        rates,
      ),
      { maxLength: 3 },
    ),
    list_prices: fc.array(
      fc.tuple(
        fc.constantFrom('gpt-4o', 'm-2'),
        fc.option(fc.constantFrom('trial', 'verified', 'strategic'), { nil: undefined }),
        rates,
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: [] },
);
const book = fc
  .record({
    unit: fc.constantFrom('currency' as const, 'micros' as const),
    statedUnit: fc.boolean(),
    currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    starts: fc.uniqueArray(day, { maxLength: 3 }),
    versions: fc.array(version, { minLength: 3, maxLength: 3 }),
    lastOpen: fc.boolean(),
  })
  .map(({ unit, statedUnit, currency, starts, versions, lastOpen }) => {
    const amount = amountIn(unit);
    const ratesOf = (r: Record<string, bigint | undefined>) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, amount(v!)]),
      ) as { input: string; output: string };
    const sorted = [...starts].sort();
    return {
      ...(unit === 'micros' || statedUnit ? { amount_unit: unit } : {}),
      currency,
      versions: sorted.map((from, i) => ({
        effective_from: from,
        // Versions do not overlap: each ends where the next begins (the last may stay open).
        ...(i < sorted.length - 1 ? { effective_to: sorted[i + 1] } : lastOpen ? {} : { effective_to: '2031-01-01' }),
        ...(versions[i]!.vendor_costs
          ? {
              vendor_costs: versions[i]!.vendor_costs.map(([deployment, model, r]) => ({
                deployment,
                ...(model ? { model } : {}),
                ...ratesOf(r),
              })),
            }
          : {}),
        ...(versions[i]!.list_prices
          ? {
              list_prices: versions[i]!.list_prices.map(([model, tier, r]) => ({
                model,
                ...(tier ? { tier } : {}),
                ...ratesOf(r),
              })),
            }
          : {}),
      })),
    };
  });

describe('price book round trip, any book', () => {
  it('PUT(GET()) changes nothing', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(book, async (b) => {
        expect((await gw.admin('PUT', '/pricing', { book: b, reason: 'property' })).status).toBe(200);
        const first = (await gw.admin('GET', '/pricing')).body;
        expect((await gw.admin('PUT', '/pricing', { book: first.book, reason: 'same' })).status).toBe(200);
        const second = (await gw.admin('GET', '/pricing')).body;
        expect(second.version).toBe(first.version + 1);
        expect(second.book).toEqual(first.book);
        // ... and GET shows the amounts PUT was given, in micro-units.
        const sent = b.versions
          .flatMap((v) => [...(v.list_prices ?? []), ...(v.vendor_costs ?? [])])
          .map((r) => r.input);
        const got = first.book.versions
          .flatMap((v: { list_prices: Array<{ input: string }>; vendor_costs: Array<{ input: string }> }) => [
            ...v.list_prices,
            ...v.vendor_costs,
          ])
          .map((r: { input: string }) => r.input);
        expect(got).toEqual(sent.map((s) => (b.amount_unit === 'micros' ? s : BigInt(s.replace('.', '')).toString())));
      }),
      { numRuns: 40 },
    );
  });
});
