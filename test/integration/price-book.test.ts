// The price book through the admin API: what GET returns, PUT reads back as the same prices, whatever the book;
// the documented currency-unit form keeps its meaning; the unit is stated in the document itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const msg = [{ role: 'user' as const, content: 'price me' }];

describe('price book round trip', () => {
  it('GET then PUT of what GET returned changes no price (issue 22: it multiplied every price by 1,000,000)', async () => {
    const { orgId, key } = await gw.newOrgKey({ tier: 'verified' });
    const before = (await gw.admin('GET', '/pricing')).body;
    const put = await gw.admin('PUT', '/pricing', { book: before.book, reason: 'same' });
    expect(put.status).toBe(200);
    const after = (await gw.admin('GET', '/pricing')).body;
    expect(after.version).toBe(before.version + 1);
    expect(after.book).toEqual(before.book);
    const gpt4o = after.book.versions[0].list_prices.find(
      (p: { model: string; tier?: string }) => p.model === 'gpt-4o' && !p.tier,
    );
    expect(gpt4o.output).toBe('12000000'); // micro-units per million tokens: USD 12.00
    const res = await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages: msg });
    const { prompt_tokens: p, completion_tokens: c } = res.usage!;
    const [row] = (await gw.admin('GET', `/ledger?org_id=${orgId}`)).body.data;
    expect(row.price_micros).toBe(String(p * 3 + c * 12)); // USD 3.00 / 12.00 per million tokens, as configured
  });

  it('GET states the unit of its amounts in the document', async () => {
    const { book } = (await gw.admin('GET', '/pricing')).body;
    expect(book.amount_unit).toBe('micros');
    expect(book.currency).toBe('USD');
  });

  it('a PUT in the documented currency-unit form keeps its meaning, with or without amount_unit "currency"', async () => {
    for (const unit of [{}, { amount_unit: 'currency' }]) {
      const book = {
        ...unit,
        currency: 'USD',
        versions: [
          {
            effective_from: '2026-01-01',
            list_prices: [{ model: 'gpt-4o', input: '3.00', cached_input: '1.5', output: 12 }],
          },
        ],
      };
      expect((await gw.admin('PUT', '/pricing', { book, reason: 'currency form' })).status).toBe(200);
      const got = (await gw.admin('GET', '/pricing')).body.book;
      expect(got.versions[0].list_prices[0]).toEqual({
        model: 'gpt-4o',
        input: '3000000',
        cached_input: '1500000',
        output: '12000000',
      });
    }
  });

  it('a PUT in micro-units is read as micro-units, and a fraction of a micro-unit is refused with its path', async () => {
    const micros = {
      amount_unit: 'micros',
      currency: 'USD',
      versions: [
        { effective_from: '2026-01-01', list_prices: [{ model: 'gpt-4o', input: '2500000', output: 10000000 }] },
      ],
    };
    expect((await gw.admin('PUT', '/pricing', { book: micros, reason: 'micros form' })).status).toBe(200);
    expect((await gw.admin('GET', '/pricing')).body.book.versions[0].list_prices[0]).toEqual({
      model: 'gpt-4o',
      input: '2500000',
      output: '10000000',
    });
    const fraction = await gw.admin('PUT', '/pricing', {
      book: {
        ...micros,
        versions: [{ effective_from: '2026-01-01', list_prices: [{ model: 'gpt-4o', input: '2.50', output: '10' }] }],
      },
      reason: 'bad',
    });
    expect(fraction.status).toBe(400);
    expect(fraction.body.error.param).toBe('versions[0].list_prices[0].input');
    expect(fraction.body.error.message).toMatch(/whole number of micro-units/);
    const unknownUnit = await gw.admin('PUT', '/pricing', { book: { ...micros, amount_unit: 'cents' }, reason: 'bad' });
    expect(unknownUnit.status).toBe(400);
    expect(unknownUnit.body.error.param).toBe('amount_unit');
    expect(unknownUnit.body.error.message).toMatch(/"currency".*"micros"/);
  });
});
