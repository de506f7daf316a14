// Issue 24: a price change's audit entry says what changed, old and new values, not just the URL it came through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const auditOf = async (query: string) =>
  (await gw.admin('GET', `/audit?${query}`)).body.data as Array<{ action: string; actor: string; data: any }>;

describe('the audit entry of a price change', () => {
  it('a discount change records the old and the new terms', async () => {
    const { orgId } = await gw.newOrgKey();
    expect(
      (await gw.admin('PUT', `/orgs/${orgId}/pricing`, { discount_pct: 10, committed_monthly: '500.00' })).status,
    ).toBe(200);
    expect(
      (
        await gw.admin('PUT', `/orgs/${orgId}/pricing`, {
          discount_pct: 15,
          rates: [{ model: 'gpt-4o', input: '2.90', output: '11.50' }],
        })
      ).status,
    ).toBe(200);
    const [latest, first] = await auditOf(`subject_id=${orgId}&action=pricing.override_updated`);
    expect(first!.data).toMatchObject({
      old: null,
      new: { amount_unit: 'micros', discount_pct: 10, committed_monthly: '500000000', rates: [] },
    });
    expect(latest!.data.old).toEqual(first!.data.new);
    expect(latest!.data.new).toEqual({
      amount_unit: 'micros',
      discount_pct: 15,
      committed_monthly: null,
      rates: [{ model: 'gpt-4o', input: '2900000', output: '11500000' }],
    });
  });

  it('a price book change records each changed price, old and new, matched by what it prices', async () => {
    const { book } = (await gw.admin('GET', '/pricing')).body;
    const next = structuredClone(book);
    const v = next.versions[0];
    // Reordered (no change in itself), one price raised, one removed, one added.
    v.list_prices.reverse();
    v.list_prices.find((p: { model: string; tier?: string }) => p.model === 'gpt-4o' && !p.tier).output = '13000000';
    v.list_prices = v.list_prices.filter((p: { model: string }) => p.model !== 'deepseek-reasoner');
    v.list_prices.push({ model: 'gpt-4o-mini', tier: 'strategic', input: '180000', output: '700000' });
    expect((await gw.admin('PUT', '/pricing', { book: next, reason: 'raise gpt-4o output' })).status).toBe(200);
    const [entry] = await auditOf('action=pricing.updated&limit=1');
    expect(entry!.data.changes).toEqual([
      {
        effective_from: '2026-01-01',
        kind: 'list_price',
        model: 'gpt-4o',
        old: { input: '3000000', cached_input: '1500000', output: '12000000' },
        new: { input: '3000000', cached_input: '1500000', output: '13000000' },
      },
      {
        effective_from: '2026-01-01',
        kind: 'list_price',
        model: 'deepseek-reasoner',
        old: { input: '700000', output: '2800000' },
        new: null,
      },
      {
        effective_from: '2026-01-01',
        kind: 'list_price',
        model: 'gpt-4o-mini',
        tier: 'strategic',
        old: null,
        new: { input: '180000', output: '700000' },
      },
    ]);
    expect(entry!.data).toMatchObject({ amount_unit: 'micros', previous_version: expect.any(Number) });
  });
});
