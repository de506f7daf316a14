// Issue 22: a deployment or model the price book does not price was costed and charged 0 without a word. Now
// start-up and `conduit config check` name it, and it is not served (503 model_not_priced) until priced,
// unless the configuration declares it free (models[].free_of_charge, providers[].models[].no_vendor_cost).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/main.ts';
import { startTestGateway, tempDir, writeConfig, type TestGateway } from '../helpers/gateway.ts';

const sim = (id: string, models: Array<Record<string, unknown>>) => ({
  id,
  vendor: 'v',
  type: 'simulator',
  region: 'sg',
  models,
});
const rates = { input: '1.00', output: '2.00' };
const config = {
  regions: [{ id: 'sg', country: 'SG' }],
  vendors: [{ id: 'v' }],
  providers: [
    sim('priced-dep', [{ model: 'priced' }, { model: 'no-list-price' }, { model: 'strategic-only' }]),
    sim('costless-dep', [{ model: 'priced' }, { model: 'no-cost-anywhere' }]),
    sim('self-hosted', [{ model: 'free-model', no_vendor_cost: true }]),
  ],
  models: [
    { name: 'priced', vendor: 'v' },
    { name: 'no-list-price', vendor: 'v' },
    { name: 'strategic-only', vendor: 'v' },
    { name: 'no-cost-anywhere', vendor: 'v' },
    { name: 'free-model', vendor: 'v', free_of_charge: true },
  ],
  routing: { strategy: 'priority' },
  pricing: {
    currency: 'USD',
    versions: [
      {
        effective_from: '2020-01-01',
        // The configuration's word wins: self-hosted and free-model are free though the book prices them.
        vendor_costs: [
          { deployment: 'priced-dep', ...rates },
          { deployment: 'self-hosted', ...rates },
        ],
        list_prices: [
          { model: 'priced', ...rates },
          { model: 'strategic-only', tier: 'strategic', ...rates },
          { model: 'no-cost-anywhere', ...rates },
          { model: 'free-model', ...rates },
        ],
      },
    ],
  },
};
// costless-dep first by priority: an unpriced deployment must be skipped, not tried first.
config.providers[1] = { ...config.providers[1]!, priority: 1 } as (typeof config.providers)[number];

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ config });
});
afterAll(() => gw.close());

const chat = async (key: string, model: string) => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};

describe('a model or deployment with no price', () => {
  it('a model with no list price is refused with 503 model_not_priced, naming the model', async () => {
    const { key } = await gw.newOrgKey({ tier: 'verified' });
    const res = await chat(key, 'no-list-price');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'model_not_priced', param: 'model', type: 'api_error' });
    expect(res.body.error.message).toMatch(
      /'no-list-price' is not served until it is priced: it has no list price for your organisation's tier \(verified\)/,
    );
    expect(res.headers.get('x-should-retry')).toBe('false');
  });

  it('a model whose only deployment has no vendor cost is refused, naming the deployment', async () => {
    const { key } = await gw.newOrgKey();
    const res = await chat(key, 'no-cost-anywhere');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('model_not_priced');
    expect(res.body.error.message).toMatch(
      /no deployment of it that may serve you has a vendor cost in the price book \(costless-dep\)/,
    );
  });

  it('a deployment with no vendor cost is skipped for one that has it', async () => {
    const { orgId, key } = await gw.newOrgKey();
    const res = await chat(key, 'priced');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-conduit-deployment')).toBe('priced-dep');
    const [row] = (await gw.admin('GET', `/ledger?org_id=${orgId}`)).body.data;
    expect(BigInt(row.cost_micros)).toBeGreaterThan(0n);
  });

  it('a list price for one tier serves that tier only', async () => {
    expect((await chat((await gw.newOrgKey({ tier: 'verified' })).key, 'strategic-only')).status).toBe(503);
    expect((await chat((await gw.newOrgKey({ tier: 'strategic' })).key, 'strategic-only')).status).toBe(200);
  });

  it('negotiated rates price a model for that customer', async () => {
    const { orgId, key } = await gw.newOrgKey();
    expect(
      (
        await gw.admin('PUT', `/orgs/${orgId}/pricing`, {
          rates: [{ model: 'no-list-price', input: '5', output: '5' }],
        })
      ).status,
    ).toBe(200);
    expect((await chat(key, 'no-list-price')).status).toBe(200);
  });

  it('what the configuration declares free is served, at cost and price 0 whatever the price book says', async () => {
    const { orgId, key } = await gw.newOrgKey();
    expect((await chat(key, 'free-model')).status).toBe(200);
    const [row] = (await gw.admin('GET', `/ledger?org_id=${orgId}`)).body.data;
    expect(row).toMatchObject({ cost_micros: '0', list_price_micros: '0', price_micros: '0' });
  });

  it('is served once priced through the admin API, without a restart', async () => {
    const { key } = await gw.newOrgKey();
    expect((await chat(key, 'no-list-price')).status).toBe(503);
    const unpricedModels = (u: Array<{ missing: string; model: string }>) =>
      u.filter((g) => g.missing === 'list_price').map((g) => g.model);
    expect(unpricedModels((await gw.admin('GET', '/pricing')).body.unpriced)).toEqual([
      'no-list-price',
      'strategic-only',
    ]);
    const book = structuredClone(config.pricing) as { versions: Array<{ list_prices: object[] }> };
    book.versions[0]!.list_prices.push({ model: 'no-list-price', ...rates });
    const priced = await gw.admin('PUT', '/pricing', { book, reason: 'price it' });
    expect(priced.status).toBe(200);
    expect(unpricedModels(priced.body.unpriced)).toEqual(['strategic-only']);
    expect((await chat(key, 'no-list-price')).status).toBe(200);
    // A change that unprices a served model says so in its answer.
    const back = await gw.admin('PUT', '/pricing', { book: config.pricing, reason: 'back' });
    expect(back.body.unpriced).toContainEqual({
      missing: 'list_price',
      model: 'no-list-price',
      tiers: ['trial', 'verified', 'strategic'],
      path: 'models[1]',
      message: expect.stringMatching(/^model "no-list-price" has no list price in the USD price book/),
    });
  });
});

describe('start-up says what has no price, against the stored price book', () => {
  it('names each unpriced deployment and model, and the flag that would declare it free', async () => {
    const dataDir = tempDir();
    const configFile = writeConfig(config);
    const start = async () => {
      const lines: string[] = [];
      const g = await startGateway({
        dataDir,
        configFile,
        port: 0,
        host: '127.0.0.1',
        adminToken: 't',
        logLevel: 'silent',
        announce: (l) => lines.push(l),
      });
      return { g, lines: lines.filter((l) => l.startsWith('Not priced: ')) };
    };
    const first = await start();
    expect(first.lines).toEqual([
      'Not priced: deployment "costless-dep" has no vendor cost for "priced" in the USD price book, so it does not serve "priced" until priced (or set providers[1].models[0].no_vendor_cost: true if it costs nothing)',
      'Not priced: deployment "costless-dep" has no vendor cost for "no-cost-anywhere" in the USD price book, so it does not serve "no-cost-anywhere" until priced (or set providers[1].models[1].no_vendor_cost: true if it costs nothing)',
      'Not priced: model "no-list-price" has no list price in the USD price book, so it is not served until priced (or set models[1].free_of_charge: true if it is free)',
      'Not priced: model "strategic-only" has no list price for tier trial, verified in the USD price book, so it is not served to those tiers until priced (or set models[2].free_of_charge: true if it is free)',
    ]);
    // The stored book, not the file's, is what the gateway uses: price everything there and restart.
    const book = structuredClone(config.pricing) as {
      versions: Array<{ vendor_costs: object[]; list_prices: object[] }>;
    };
    book.versions[0]!.vendor_costs.push({ deployment: 'costless-dep', ...rates });
    book.versions[0]!.list_prices.push({ model: 'no-list-price', ...rates }, { model: 'strategic-only', ...rates });
    const put = await fetch(`${first.g.url}/admin/v1/pricing`, {
      method: 'PUT',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ book, reason: 'price all' }),
    });
    expect(put.status).toBe(200);
    await first.g.close();
    const second = await start();
    expect(second.lines).toEqual([]);
    await second.g.close();
  });
});

describe('conduit config check', () => {
  const run = promisify(execFile);
  const check = (file: string) => run('node', ['bin/conduit.mjs', 'config', 'check', file]);

  it('names what the price book leaves unpriced', async () => {
    const out = await check(writeConfig(config));
    expect(out.stdout).toMatch(/OK \(1 regions, 1 vendors, 3 providers, 5 models\)/);
    expect(out.stdout).toContain(
      'not priced today: deployment "costless-dep" has no vendor cost for "priced" in the USD price book',
    );
    expect(out.stdout).toContain(
      'not priced today: model "no-list-price" has no list price in the USD price book, so it is not served until priced (or set models[1].free_of_charge: true if it is free)',
    );
    expect(out.stdout).toContain('model "strategic-only" has no list price for tier trial, verified');
    expect(out.stdout).not.toMatch(/free-model|self-hosted/);
  });

  it('says nothing more when everything is priced or declared free', async () => {
    const free = {
      ...config,
      pricing: undefined,
      models: config.models.map((m) => ({ ...m, free_of_charge: true })),
      providers: config.providers.map((p) => ({ ...p, models: p.models.map((m) => ({ ...m, no_vendor_cost: true })) })),
    };
    const out = await check(writeConfig(free));
    expect(out.stdout.trim().split('\n')).toHaveLength(1);
    expect(out.stdout).toMatch(/: OK \(/);
  });
});
