// Issue 24: a 95% discount was accepted and drove a customer's margin negative without a word. Prices and discounts
// below the vendor cost are warned about (the answer, the audit entry) or, with pricing.below_cost: refuse, refused.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, writeConfig, type TestGateway } from '../helpers/gateway.ts';

const config = (belowCost?: 'warn' | 'refuse') => ({
  regions: [{ id: 'sg', country: 'SG' }],
  vendors: [{ id: 'openai' }],
  providers: [
    { id: 'sim-a', vendor: 'openai', type: 'simulator', region: 'sg', models: [{ model: 'gpt-4o' }] },
    { id: 'sim-b', vendor: 'openai', type: 'simulator', region: 'sg', models: [{ model: 'gpt-4o' }] },
  ],
  models: [{ name: 'gpt-4o', vendor: 'openai' }],
  pricing: {
    ...(belowCost ? { below_cost: belowCost } : {}),
    currency: 'USD',
    versions: [
      {
        effective_from: '2026-01-01',
        vendor_costs: [
          { deployment: 'sim-a', input: '2.50', output: '10.00' },
          { deployment: 'sim-b', input: '2.00', output: '8.00' },
        ],
        list_prices: [{ model: 'gpt-4o', input: '3.00', output: '12.00' }],
      },
    ],
  },
});

const book = (output: string) => ({
  currency: 'USD',
  versions: [
    {
      effective_from: '2026-01-01',
      vendor_costs: config().pricing.versions[0]!.vendor_costs,
      list_prices: [{ model: 'gpt-4o', input: '3.00', output }],
    },
  ],
});

describe('pricing.below_cost: warn (the default)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ config: config() });
  });
  afterAll(() => gw.close());

  it('a 95% discount is accepted with each price below cost named, and the warning is on the record', async () => {
    const { orgId } = await gw.newOrgKey();
    const res = await gw.admin('PUT', `/orgs/${orgId}/pricing`, { discount_pct: 95 });
    expect(res.status).toBe(200);
    expect(res.body.pricing).toEqual({ discount_pct: 95 });
    // 3.00 / 12.00 less 95% is 0.15 / 0.60 per million tokens, under both deployments' costs.
    expect(
      res.body.below_cost.map((f: any) => [f.deployment, f.token, f.price_micros, f.cost_micros, f.param]),
    ).toEqual([
      ['sim-a', 'input', '150000', '2500000', 'discount_pct'],
      ['sim-a', 'output', '600000', '10000000', 'discount_pct'],
      ['sim-b', 'input', '150000', '2000000', 'discount_pct'],
      ['sim-b', 'output', '600000', '8000000', 'discount_pct'],
    ]);
    expect(res.body.below_cost[1].message).toBe(
      'gpt-4o output tokens at USD 0.60 per million (tier verified list price less its 95% discount) are below the vendor cost of USD 10.00 on sim-a (prices from 2026-01-01)',
    );
    const [entry] = (await gw.admin('GET', `/audit?subject_id=${orgId}&action=pricing.override_updated`)).body.data;
    expect(entry.data.below_cost).toHaveLength(4);
  });

  it('a discount that keeps every price above cost gets no warning', async () => {
    const { orgId } = await gw.newOrgKey();
    // 3.00 / 12.00 less 20% is 2.40 / 9.60: under sim-a's 2.50 / 10.00, above sim-b's 2.00 / 8.00.
    expect(
      (await gw.admin('PUT', `/orgs/${orgId}/pricing`, { discount_pct: 20 })).body.below_cost.map(
        (f: any) => `${f.deployment} ${f.token}`,
      ),
    ).toEqual(['sim-a input', 'sim-a output']);
    expect((await gw.admin('PUT', `/orgs/${orgId}/pricing`, { discount_pct: 10 })).body.below_cost).toEqual([]);
  });

  it('a list price below cost is named by its place in the book', async () => {
    const res = await gw.admin('PUT', '/pricing', { reason: 'cut output', book: book('9.00') });
    expect(res.status).toBe(200);
    expect(res.body.below_cost.map((f: any) => [f.deployment, f.param, f.price_micros])).toEqual([
      ['sim-a', 'versions[0].list_prices[0].output', '9000000'],
    ]);
    const [entry] = (await gw.admin('GET', '/audit?action=pricing.updated&limit=1')).body.data;
    expect(entry.data.below_cost).toHaveLength(1);
    expect((await gw.admin('PUT', '/pricing', { reason: 'restore', book: book('12.00') })).body.below_cost).toEqual([]);
  });

  it('cache writes are compared at their own rate, or at the rate a side leaves them to', async () => {
    // sim-a writes to its cache at 3.125 (1.25x input) and for an hour at 5.00 (2x); a list price without a
    // cache-write rate charges input, 3.00, and without an hour's rate its cache-write rate.
    const booked = (listCacheWrite?: string) => ({
      currency: 'USD',
      versions: [
        {
          effective_from: '2026-01-01',
          vendor_costs: [
            { deployment: 'sim-a', input: '2.50', cache_write: '3.125', cache_write_1h: '5.00', output: '10.00' },
            { deployment: 'sim-b', input: '2.00', output: '8.00' },
          ],
          list_prices: [
            {
              model: 'gpt-4o',
              input: '3.00',
              output: '12.00',
              ...(listCacheWrite ? { cache_write: listCacheWrite } : {}),
            },
          ],
        },
      ],
    });
    const res = await gw.admin('PUT', '/pricing', { reason: 'cache writes', book: booked() });
    expect(
      res.body.below_cost.map((f: any) => [f.deployment, f.token, f.param, f.price_micros, f.cost_micros]),
    ).toEqual([
      ['sim-a', 'cache_write', 'versions[0].list_prices[0].input', '3000000', '3125000'],
      ['sim-a', 'cache_write_1h', 'versions[0].list_prices[0].input', '3000000', '5000000'],
    ]);
    const priced = await gw.admin('PUT', '/pricing', { reason: 'priced', book: booked('3.75') });
    expect(priced.body.below_cost.map((f: any) => [f.token, f.param, f.price_micros])).toEqual([
      ['cache_write_1h', 'versions[0].list_prices[0].cache_write', '3750000'],
    ]);
    expect((await gw.admin('PUT', '/pricing', { reason: 'restore', book: book('12.00') })).body.below_cost).toEqual([]);
  });
});

describe('pricing.below_cost: refuse', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ config: config('refuse') });
  });
  afterAll(() => gw.close());

  it('refuses a discount or a negotiated rate below cost, naming the field, and changes nothing', async () => {
    const { orgId } = await gw.newOrgKey();
    expect((await gw.admin('PUT', `/orgs/${orgId}/pricing`, { discount_pct: 10 })).status).toBe(200);
    const discount = await gw.admin('PUT', `/orgs/${orgId}/pricing`, { discount_pct: 95 });
    expect(discount.status).toBe(422);
    expect(discount.body.error).toMatchObject({ code: 'price_below_cost', param: 'discount_pct' });
    expect(discount.body.error.details).toHaveLength(4);
    const rate = await gw.admin('PUT', `/orgs/${orgId}/pricing`, {
      rates: [{ model: 'gpt-4o', input: '3.00', output: '9.50' }],
    });
    expect(rate.status).toBe(422);
    expect(rate.body.error.param).toBe('rates[0].output');
    expect((await gw.admin('GET', `/orgs/${orgId}`)).body.pricing).toEqual({ discount_pct: 10 });
    expect(
      (await gw.admin('GET', `/audit?subject_id=${orgId}&action=pricing.override_updated`)).body.data,
    ).toHaveLength(1);
  });

  it('refuses a price book with a list price below cost, whole', async () => {
    const before = (await gw.admin('GET', '/pricing')).body.version;
    const res = await gw.admin('PUT', '/pricing', { reason: 'cut output', book: book('9.00') });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'price_below_cost', param: 'book.versions[0].list_prices[0].output' });
    expect((await gw.admin('GET', '/pricing')).body.version).toBe(before);
  });
});

it('conduit config check names list prices below cost', async () => {
  const cfg = config();
  cfg.pricing.versions[0]!.list_prices[0]!.output = '9.00';
  const { stdout } = await promisify(execFile)('node', ['bin/conduit.mjs', 'config', 'check', writeConfig(cfg)]);
  expect(stdout).toContain(
    'below cost: pricing.versions[0].list_prices[0].output: gpt-4o output tokens at USD 9.00 per million (list price) are below the vendor cost of USD 10.00 on sim-a',
  );
});
