// Money on both legs: exact pricing, idempotent ledger, budgets under concurrency, rate limits, invoices,
// margin reports and reconciliation, against the embedded demo catalogue and prices.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/store/ports.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { usageEvent } from '../helpers/usage-event.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const msg = [{ role: 'user' as const, content: 'price me' }];

function event(over: Partial<UsageEvent>): UsageEvent {
  return usageEvent(`req_${Math.random().toString(36).slice(2)}`, {
    ts: '2026-03-10T10:00:00.000Z',
    org_id: 'org_x',
    key_id: 'key_x',
    endpoint: 'chat',
    deployment: 'sim-openai-us-east',
    prompt_tokens: 1000,
    completion_tokens: 500,
    latency_ms: 5,
    cost_micros: 0,
    list_price_micros: 0,
    price_micros: 0,
    ...over,
  });
}

describe('pricing', () => {
  it('prices each request on both legs, exactly, in micro-units', async () => {
    const { orgId, key } = await gw.newOrgKey({ tier: 'verified' });
    const res = await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages: msg });
    const { prompt_tokens: p, completion_tokens: c } = res.usage!;
    const [row] = (await gw.admin('GET', `/ledger?org_id=${orgId}`)).body.data;
    // gpt-4o: cost 2.50 / 10.00, list 3.00 / 12.00 per million tokens.
    expect(row.cost_micros).toBe(String(Math.round((p * 2.5 + c * 10) / 1)));
    expect(row.price_micros).toBe(String(p * 3 + c * 12));
    expect(BigInt(row.margin_micros)).toBe(BigInt(row.price_micros) - BigInt(row.cost_micros));
  });

  it('applies negotiated rates and discounts', async () => {
    const { orgId, key } = await gw.newOrgKey({ tier: 'verified' });
    expect(
      (
        await gw.admin('PUT', `/orgs/${orgId}/pricing`, {
          discount_pct: 10,
          rates: [{ model: 'gpt-4o-mini', input: '0.10', output: '0.40' }],
        })
      ).status,
    ).toBe(200);
    const a = await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages: msg });
    const b = await gw.client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: msg });
    const rows = (await gw.admin('GET', `/ledger?org_id=${orgId}&group_by=model`)).body.data;
    const by = Object.fromEntries(rows.map((r: { model: string }) => [r.model, r]));
    const list4o = a.usage!.prompt_tokens * 3 + a.usage!.completion_tokens * 12;
    expect(by['gpt-4o'].list_price_micros).toBe(String(list4o));
    expect(by['gpt-4o'].price_micros).toBe(String(Math.round((list4o * 9) / 10)));
    expect(by['gpt-4o-mini'].price_micros).toBe(
      String(Math.round(((b.usage!.prompt_tokens * 0.1 + b.usage!.completion_tokens * 0.4) * 9) / 10)),
    );
  });

  it('rejects bad price books whole, with the path of each problem', async () => {
    const before = (await gw.admin('GET', '/pricing')).body.version;
    const put = (book: unknown) => gw.admin('PUT', '/pricing', { reason: 'test', book });
    const negative = await put({
      currency: 'USD',
      versions: [{ effective_from: '2026-01-01', list_prices: [{ model: 'gpt-4o', input: '-1', output: '2' }] }],
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.param).toBe('versions[0].list_prices[0].input');
    const text = await put({
      currency: 'USD',
      versions: [{ effective_from: '2026-01-01', list_prices: [{ model: 'gpt-4o', input: 'cheap', output: '2' }] }],
    });
    expect(text.body.error.param).toBe('versions[0].list_prices[0].input');
    const overlap = await put({
      currency: 'USD',
      versions: [{ effective_from: '2026-01-01', effective_to: '2026-06-01' }, { effective_from: '2026-05-01' }],
    });
    expect(overlap.body.error.message).toMatch(/overlaps versions\[0\]/);
    const currency = await put({ currency: 'XYZ', versions: [] });
    expect(currency.body.error.param).toBe('currency');
    expect((await gw.admin('GET', '/pricing')).body.version).toBe(before);
  });
});

describe('ledger', () => {
  it('is idempotent by request id: a replay never bills twice', async () => {
    const e = event({ org_id: 'org_replay', price_micros: 123, cost_micros: 100 });
    await gw.store.usage.record(e);
    await gw.store.usage.record(e);
    await gw.store.usage.record({ ...e, price_micros: 999 });
    const rows = await gw.store.ledger.aggregate({ group_by: [], org_id: 'org_replay' });
    expect(rows[0]).toMatchObject({ requests: 1, price_micros: 123n });
  });

  it('aggregates by any dimension and rejects unknown ones', async () => {
    const rows = (await gw.admin('GET', '/ledger?group_by=vendor,region,customer_country,day')).body.data;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toHaveProperty('customer_country');
    expect((await gw.admin('GET', '/ledger?group_by=colour')).body.error.param).toBe('group_by');
  });
});

describe('budgets', () => {
  it('200 concurrent requests against a nearly spent budget overshoot it by at most one reservation', async () => {
    const { orgId, key } = await gw.newOrgKey({ tier: 'verified' });
    // Spend most of a 0.02 USD budget first (about 500 micro-units a request).
    await gw.admin('PUT', `/orgs/${orgId}/limits`, { budget: { monthly: '0.02', hard: true } });
    const client = gw.client(key);
    const body = { model: 'gpt-4o', messages: msg, max_tokens: 64 };
    let spent = 0n;
    while (spent < 15_000n) {
      await client.chat.completions.create(body);
      spent = BigInt((await gw.admin('GET', `/ledger?org_id=${orgId}`)).body.data[0].price_micros);
    }
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        client.chat.completions.create(body).then(
          () => 'ok',
          (e: { code?: string }) => e.code ?? 'error',
        ),
      ),
    );
    const final = BigInt((await gw.admin('GET', `/ledger?org_id=${orgId}`)).body.data[0].price_micros);
    // One reservation: the prompt estimate plus 64 completion tokens at list price (3.00 / 12.00 per million), under 1,000.
    const reservation = 1_000n;
    expect(results.filter((r) => r === 'budget_exceeded').length).toBeGreaterThan(0);
    expect(results.every((r) => r === 'ok' || r === 'budget_exceeded')).toBe(true);
    expect(results.filter((r) => r === 'ok').length).toBeGreaterThan(0);
    expect(final).toBeLessThanOrEqual(20_000n + reservation);
    const denied = await client.chat.completions.create(body).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After and OpenAI headers, which admitted responses carry too', async () => {
    const { orgId, key } = await gw.newOrgKey();
    await gw.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 3, tokens_per_minute: 100000 });
    const client = gw.client(key);
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages: msg }).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(ms|s|m\d+s)$/);
    await client.chat.completions.create({ model: 'gpt-4o', messages: msg });
    await client.chat.completions.create({ model: 'gpt-4o', messages: msg });
    const err = (await client.chat.completions
      .create({ model: 'gpt-4o', messages: msg })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(err.headers!.get('retry-after'))).toBeGreaterThan(0);
    expect(err.headers!.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('take a changed limit at once, for a key already in use', async () => {
    const { orgId, key } = await gw.newOrgKey();
    await gw.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 1 });
    const client = gw.client(key);
    await client.chat.completions.create({ model: 'gpt-4o', messages: msg });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: msg })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    await gw.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 10 });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages: msg }).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10');
  });

  it('limit concurrent requests per key', async () => {
    const { orgId, key, keyId } = await gw.newOrgKey();
    await gw.admin('PUT', `/orgs/${orgId}/keys/${keyId}/limits`, { concurrent: 2 });
    const client = gw.client(key);
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        client.chat.completions.create({ model: 'gpt-4o', messages: msg, stream: true }).then(
          async (s) => {
            for await (const _ of s) void _;
            return 'ok';
          },
          (e: { status?: number }) => String(e.status),
        ),
      ),
    );
    expect(results).toContain('ok');
    expect(results).toContain('429');
  });
});

describe('invoices, reports, reconciliation', () => {
  it('invoice totals equal the ledger to the micro-unit, in JSON, CSV and HTML', async () => {
    const { orgId } = await gw.newOrgKey();
    await gw.admin('PUT', `/orgs/${orgId}/pricing`, { discount_pct: 5, committed_monthly: '1000.00' });
    const org = await gw.tenancy.getOrg(orgId);
    for (let i = 0; i < 30; i++) {
      const e = event({
        org_id: orgId,
        ts: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00.000Z`,
        model: i % 2 ? 'gpt-4o' : 'deepseek-chat',
        prompt_tokens: 1234 + i,
        completion_tokens: 567 + i,
      });
      await gw.store.usage.record({ ...e, ...gw.pricing.charge(e, org!) });
    }
    const inv = (await gw.admin('GET', `/orgs/${orgId}/invoices/2026-03`)).body;
    const ledger = (await gw.admin('GET', `/ledger?org_id=${orgId}&from=2026-03-01&to=2026-04-01`)).body.data[0];
    expect(inv.usage_total_micros).toBe(ledger.price_micros);
    expect(
      inv.lines.reduce((s: bigint, l: { amount_micros: string }) => s + BigInt(l.amount_micros), 0n).toString(),
    ).toBe(ledger.price_micros);
    expect(BigInt(inv.total_micros)).toBe(1_000_000_000n); // the commitment exceeds usage: shortfall billed
    expect(BigInt(inv.commitment_shortfall_micros) + BigInt(inv.usage_total_micros)).toBe(1_000_000_000n);
    const csv = await fetch(`${gw.url}/admin/v1/orgs/${orgId}/invoices/2026-03?format=csv`, {
      headers: { authorization: `Bearer ${gw.adminToken}` },
    });
    expect(await csv.text()).toMatch(/^line,model,requests/);
    const html = await fetch(`${gw.url}/admin/v1/orgs/${orgId}/invoices/2026-03?format=html`, {
      headers: { authorization: `Bearer ${gw.adminToken}` },
    });
    expect(await html.text()).toMatch(/<h1>Invoice — 2026-03<\/h1>/);
    expect((await gw.admin('GET', `/orgs/${orgId}/invoices/2026-13`)).body.error.param).toBe('month');
  });

  it('reports margin by territory with growth on the month before', async () => {
    const mk = (ts: string, country: string, price: number, cost: number) =>
      gw.store.usage.record(
        event({ ts, customer_country: country, price_micros: price, cost_micros: cost, org_id: `org_${country}` }),
      );
    await mk('2027-01-15T00:00:00.000Z', 'JP', 1_000_000, 600_000);
    await mk('2027-02-15T00:00:00.000Z', 'JP', 1_500_000, 900_000);
    await mk('2027-02-16T00:00:00.000Z', 'BR', 2_000_000, 1_000_000);
    const r = (await gw.admin('GET', '/reports/margin?month=2027-02&by=territory')).body;
    const jp = r.rows.find((x: { key: string }) => x.key === 'JP');
    expect(jp).toMatchObject({
      revenue_micros: '1500000',
      cost_micros: '900000',
      margin_micros: '600000',
      margin_pct: 40,
      revenue_growth_pct: 50,
    });
    expect(r.rows[0].key).toBe('BR');
    expect(r.total.revenue_micros).toBe('3500000');
  });

  it('reconciles a vendor export against the ledger and lists differences', async () => {
    await gw.store.usage.record(
      event({
        ts: '2027-05-01T10:00:00.000Z',
        vendor: 'acme',
        deployment: 'acme-1',
        prompt_tokens: 100,
        completion_tokens: 50,
        cost_micros: 2_000_000,
      }),
    );
    await gw.store.usage.record(
      event({
        ts: '2027-05-02T10:00:00.000Z',
        vendor: 'acme',
        deployment: 'acme-1',
        prompt_tokens: 10,
        completion_tokens: 5,
        cost_micros: 500_000,
      }),
    );
    const csv =
      'date,deployment,input_tokens,output_tokens,cost\n2027-05-01,acme-1,100,50,2.00\n2027-05-02,acme-1,10,5,0.75\n2027-05-03,acme-1,1,1,0.10\n';
    const res = (await gw.admin('POST', '/reconcile', { vendor: 'acme', csv })).body;
    expect(res.checked).toBe(3);
    expect(
      res.differences.map((d: { date: string; cost_difference_micros: string }) => [d.date, d.cost_difference_micros]),
    ).toEqual([
      ['2027-05-02', '250000'],
      ['2027-05-03', '100000'],
    ]);
    const bad = await gw.admin('POST', '/reconcile', {
      vendor: 'acme',
      csv: 'date,deployment,input_tokens,output_tokens,cost\n2027-05-01,acme-1,lots,5,1\n',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/line 2: input_tokens must be a whole number/);
  });
});
