// Issue 24: the vendor's line holds through ownership, not just the address. Customers onboarded through the
// real application flow, served (or not) through the official SDK, against the embedded demo policy.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/store/ports.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { usageEvent } from '../helpers/usage-event.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  // Applicants are screened against a loaded list (with none, they wait for a reviewer).
  const fixture = (f: string) => readFileSync(new URL(`../fixtures/sanctions/${f}`, import.meta.url), 'utf8');
  expect(
    (
      await gw.admin('POST', '/sanctions/lists', {
        format: 'ofac_sdn',
        sdn_csv: fixture('sdn.csv'),
        alt_csv: fixture('alt.csv'),
      })
    ).status,
  ).toBe(200);
});
afterAll(() => gw.close());

const msg = [{ role: 'user' as const, content: 'hello' }];
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  );

/** Onboards a customer through POST /v1/applications (approved automatically) and gives it a key. */
async function onboard(over: { legal_name: string; country: string; requested_tier: string; ownership: unknown[] }) {
  const res = await fetch(`${gw.url}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      registration_number: `REG-${over.legal_name.length}-${Math.random().toString(36).slice(2, 8)}`,
      address: '1 Marina Boulevard',
      website: 'https://example.com',
      incorporated_on: '2012-01-01',
      intended_use: 'Document summarisation for our own staff',
      expected_monthly_volume_usd: 5000,
      ...over,
    }),
  });
  const body = (await res.json()) as { org_id: string; status: string };
  expect(body.status).toBe('approved');
  const key = await gw.admin('POST', `/orgs/${body.org_id}/keys`, {});
  return { id: body.org_id, client: gw.client(key.body.key) };
}

// Incorporated in Singapore, 60% held through a Hong Kong holding that is wholly owned from China.
const viaHongKong = () =>
  onboard({
    legal_name: 'Lion City Analytics Pte Ltd',
    country: 'SG',
    requested_tier: 'verified',
    ownership: [
      {
        name: 'Victoria Harbour Holdings Ltd',
        country: 'HK',
        share_pct: 60,
        owners: [{ name: 'Shenzhen Parent Group', country: 'CN', share_pct: 100 }],
      },
      { name: 'Public float', country: 'US', share_pct: 40 },
    ],
  });
// A shell: incorporated in Singapore, 100% owned from China, at trial tier.
const shell = () =>
  onboard({
    legal_name: 'Straits Shell Pte Ltd',
    country: 'SG',
    requested_tier: 'trial',
    ownership: [{ name: 'Hangzhou Owner Co', country: 'CN', share_pct: 100 }],
  });

describe('demo policy: a customer controlled from Greater China is treated as being there', () => {
  it('serves a Singapore company controlled from China through Hong Kong OpenAI only from Singapore, and no Anthropic', async () => {
    const sg = await viaHongKong();
    for (let i = 0; i < 6; i++) {
      const { response } = await sg.client.chat.completions.create({ model: 'gpt-4o', messages: msg }).withResponse();
      expect(response.headers.get('x-conduit-region')).toBe('sg');
    }
    const explain = (await gw.admin('GET', `/policy/explain?org=${sg.id}&model=gpt-4o&region=us-east`)).body;
    expect(explain.decisions[0]).toMatchObject({ allowed: false, rule: 'openai-cn-from-singapore' });
    const claude = await errorOf(sg.client.chat.completions.create({ model: 'claude-sonnet-4', messages: msg }));
    expect(claude!.code).toBe('policy_denied');
    expect(claude!.message).toMatch(/anthropic-no-cn-ownership/);
  });

  it('refuses OpenAI to a wholly China-owned shell at trial tier, whatever its address', async () => {
    const s = await shell();
    const denied = await errorOf(s.client.chat.completions.create({ model: 'gpt-4o', messages: msg }));
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(denied!.message).toMatch(/openai-cn-verified-only/);
    const ids: string[] = [];
    for await (const m of s.client.models.list()) ids.push(m.id);
    expect(ids).not.toContain('gpt-4o');
    expect(ids).toContain('deepseek-chat');
    await s.client.chat.completions.create({ model: 'deepseek-chat', messages: msg });
  });

  it('holds the line for the special administrative regions, and not for a minority stake', async () => {
    const hk = await onboard({
      legal_name: 'Kowloon Trial Ltd',
      country: 'HK',
      requested_tier: 'trial',
      ownership: [{ name: 'Founders', country: 'HK', share_pct: 100 }],
    });
    expect((await errorOf(hk.client.chat.completions.create({ model: 'gpt-4o', messages: msg })))!.message).toMatch(
      /openai-cn-verified-only/,
    );
    const minority = await onboard({
      legal_name: 'Mostly Local GmbH',
      country: 'DE',
      requested_tier: 'trial',
      ownership: [
        { name: 'CN fund', country: 'CN', share_pct: 30 },
        { name: 'Founders', country: 'DE', share_pct: 70 },
      ],
    });
    const { response } = await minority.client.chat.completions
      .create({ model: 'claude-sonnet-4', messages: msg })
      .withResponse();
    expect(response.status).toBe(200);
    await minority.client.chat.completions.create({ model: 'gpt-4o', messages: msg });
  });
});

describe('explain and what-if show where control lies', () => {
  it('explain names the incorporation and the controlling jurisdiction, by country and market', async () => {
    const sg = await viaHongKong();
    const res = (await gw.admin('GET', `/policy/explain?org=${sg.id}&model=gpt-4o`)).body;
    expect(res.jurisdiction).toMatchObject({
      incorporated: 'SG',
      incorporated_market: 'SG',
      controlling_country: 'CN',
      controlling_market: 'greater-china',
      threshold_pct: 50,
    });
    expect(res.jurisdiction.controlled_from).toEqual(
      expect.arrayContaining([
        { country: 'CN', share_pct: 60 },
        { country: 'HK', share_pct: 60 },
      ]),
    );
  });

  it("what-if gives each change the customer's controlling jurisdiction and the rule that decides it", async () => {
    const s = await shell();
    const current = (await gw.admin('GET', '/policy')).body.policy;
    const proposed = {
      ...current,
      rules: current.rules.filter((r: { id: string }) => r.id !== 'openai-cn-verified-only'),
    };
    const changes = (await gw.admin('POST', '/policy/what-if', { policy: proposed })).body.data;
    const gained = changes.find((c: { org: string; model: string }) => c.org === s.id && c.model === 'gpt-4o');
    expect(gained).toMatchObject({
      change: 'gained',
      controlling_country: 'CN',
      controlling_market: 'greater-china',
      rule: 'default',
    });
  });
});

describe('markets in the policy', () => {
  it('lets a rule name a market, and rejects an unknown market or a country in two markets by its path', async () => {
    const current = (await gw.admin('GET', '/policy')).body.policy;
    const nordic = await gw.newOrgKey({ name: 'Fjord AS', country: 'NO', tier: 'verified' });
    const withNordics = {
      ...current,
      markets: [...current.markets, { id: 'nordics', countries: ['NO', 'SE', 'DK', 'FI', 'IS'] }],
      rules: [
        ...current.rules,
        {
          id: 'no-deepseek-nordics',
          effect: 'deny',
          reason: 'DeepSeek is not offered in the Nordics',
          when: { vendor: ['deepseek'], customer_jurisdiction: ['nordics'] },
        },
      ],
    };
    expect(
      (await gw.admin('PUT', '/policy', { reason: 'Nordic distribution terms', policy: withNordics })).status,
    ).toBe(200);
    try {
      const denied = await errorOf(
        gw.client(nordic.key).chat.completions.create({ model: 'deepseek-chat', messages: msg }),
      );
      expect(denied!.message).toMatch(/no-deepseek-nordics/);
    } finally {
      await gw.admin('PUT', '/policy', { reason: 'restore', policy: current });
    }
    const typo = await gw.admin('PUT', '/policy', {
      reason: 'typo',
      policy: {
        ...current,
        rules: [{ id: 'x', effect: 'deny', reason: 'r', when: { customer_jurisdiction: ['greater-chna'] } }],
      },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error.param).toBe('policy.rules[0].when.customer_jurisdiction[0]');
    const twice = await gw.admin('PUT', '/policy', {
      reason: 'overlap',
      policy: { ...current, markets: [...current.markets, { id: 'hk-only', countries: ['HK'] }] },
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.param).toBe('policy.markets[1].countries[0]');
  });
});

describe('revenue by controlling jurisdiction', () => {
  function event(over: Partial<UsageEvent>): UsageEvent {
    return usageEvent(`req_${Math.random().toString(36).slice(2)}`, {
      ts: '2031-04-10T10:00:00.000Z',
      org_id: 'org_x',
      key_id: 'key_x',
      endpoint: 'chat',
      model: 'deepseek-chat',
      vendor: 'deepseek',
      deployment: 'sim-deepseek-sg',
      region: 'sg',
      prompt_tokens: 1000,
      completion_tokens: 500,
      latency_ms: 5,
      cost_micros: 0,
      list_price_micros: 0,
      price_micros: 0,
      customer_country: 'SG',
      ...over,
    });
  }

  it('reports the shell under China and Greater China, while by=territory still says Singapore', async () => {
    const s = await shell();
    const local = await onboard({
      legal_name: 'Really Local Pte Ltd',
      country: 'SG',
      requested_tier: 'trial',
      ownership: [{ name: 'Founders', country: 'SG', share_pct: 100 }],
    });
    await gw.store.usage.record(event({ org_id: s.id, price_micros: 3_000_000, cost_micros: 1_000_000 }));
    await gw.store.usage.record(event({ org_id: local.id, price_micros: 2_000_000, cost_micros: 500_000 }));
    await gw.store.usage.record(
      event({ org_id: 'org_gone', customer_country: 'MO', price_micros: 1_000_000, cost_micros: 100_000 }),
    );
    await gw.store.usage.record(
      event({ org_id: s.id, ts: '2031-03-10T10:00:00.000Z', price_micros: 1_500_000, cost_micros: 500_000 }),
    );
    const by = async (dim: string) => {
      const res = await gw.admin('GET', `/reports/margin?month=2031-04&by=${dim}`);
      expect(res.status).toBe(200);
      return Object.fromEntries(res.body.rows.map((r: { key: string }) => [r.key, r])) as Record<
        string,
        { revenue_micros: string; revenue_growth_pct: number | null }
      >;
    };
    const territory = await by('territory');
    expect(territory.SG!.revenue_micros).toBe('5000000');
    const controlling = await by('controlling_territory');
    expect(controlling.CN).toMatchObject({ revenue_micros: '3000000', revenue_growth_pct: 100 });
    expect(controlling.SG!.revenue_micros).toBe('2000000');
    expect(controlling.MO!.revenue_micros).toBe('1000000');
    const market = await by('market');
    expect(market['greater-china']!.revenue_micros).toBe('4000000');
    expect(market.SG!.revenue_micros).toBe('2000000');
    expect((await gw.admin('GET', '/reports/margin?month=2031-04&by=planet')).status).toBe(400);
  });
});
