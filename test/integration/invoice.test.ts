// Issue 22: an invoice carries its number and issue date in every format, and its totals stay the ledger's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { usageEvent } from '../helpers/usage-event.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

async function bill(orgId: string, ts: string, i: number): Promise<void> {
  const org = (await gw.tenancy.getOrg(orgId))!;
  const e = usageEvent(`req_inv_${orgId}_${ts}_${i}`, {
    ts,
    org_id: orgId,
    key_id: 'key_x',
    endpoint: 'chat',
    model: i % 2 ? 'gpt-4o' : 'deepseek-chat',
    deployment: 'sim-openai-us-east',
    prompt_tokens: 1234 + i,
    completion_tokens: 567 + i,
    latency_ms: 5,
    cost_micros: 0,
    list_price_micros: 0,
    price_micros: 0,
  });
  await gw.store.usage.record({ ...e, ...gw.pricing.charge(e, org) });
}
const get = async (path: string) =>
  (await fetch(`${gw.url}/admin/v1${path}`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).text();

describe('invoice number and issue date', () => {
  it('a closed month: numbered per organisation and month, issued the day after it ends, in JSON, CSV and HTML', async () => {
    const { orgId } = await gw.newOrgKey();
    await gw.admin('PUT', `/orgs/${orgId}/pricing`, { discount_pct: 7 });
    for (let i = 0; i < 9; i++) await bill(orgId, `2026-02-${String(1 + i * 3).padStart(2, '0')}T08:00:00.000Z`, i);
    const inv = (await gw.admin('GET', `/orgs/${orgId}/invoices/2026-02`)).body;
    expect(inv).toMatchObject({ invoice_number: `INV-202602-${orgId}`, issue_date: '2026-03-01', status: 'final' });
    // Rendering it again gives the same number and date.
    expect((await gw.admin('GET', `/orgs/${orgId}/invoices/2026-02`)).body).toMatchObject({
      invoice_number: inv.invoice_number,
      issue_date: '2026-03-01',
    });
    const ledger = (await gw.admin('GET', `/ledger?org_id=${orgId}&from=2026-02-01&to=2026-03-01`)).body.data[0];
    expect(inv.total_micros).toBe(ledger.price_micros);

    const csv = (await get(`/orgs/${orgId}/invoices/2026-02?format=csv`))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(csv[0]).toEqual([
      'line',
      'model',
      'requests',
      'prompt_tokens',
      'completion_tokens',
      'list_amount',
      'amount',
      'currency',
      'invoice_number',
      'issue_date',
    ]);
    for (const row of csv.slice(1)) expect(row.slice(-3)).toEqual(['USD', inv.invoice_number, '2026-03-01']);
    const total = csv.find((r) => r[0] === 'total')!;
    expect(BigInt(total[6]!.replace('.', ''))).toBe(BigInt(ledger.price_micros)); // to the micro-unit

    const html = await get(`/orgs/${orgId}/invoices/2026-02?format=html`);
    expect(html).toContain(`Invoice number <strong class="invoice-number">${inv.invoice_number}</strong>`);
    expect(html).toContain('Issue date <strong class="issue-date">2026-03-01</strong>');
    expect(html).toContain('Period 2026-02-01 to 2026-02-28');
    expect(html).not.toContain('Provisional');
  });

  it('the month under way: provisional, dated today', async () => {
    const { orgId } = await gw.newOrgKey();
    const now = new Date();
    const month = now.toISOString().slice(0, 7);
    await bill(orgId, now.toISOString(), 1);
    const inv = (await gw.admin('GET', `/orgs/${orgId}/invoices/${month}`)).body;
    expect(inv).toMatchObject({ invoice_number: `INV-${month.replace('-', '')}-${orgId}`, status: 'provisional' });
    expect([now.toISOString().slice(0, 10), new Date().toISOString().slice(0, 10)]).toContain(inv.issue_date);
    expect(await get(`/orgs/${orgId}/invoices/${month}?format=html`)).toContain(
      '<strong>Provisional:</strong> the month is not over',
    );
  });
});
