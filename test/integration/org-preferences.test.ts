// Issue 24: a customer's own choices (vendors, models, serving regions it will not use) and the terms agreed with
// it, recorded with the organisation, applied by the policy on every request and in /v1/models, and explained.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
const dataDir = tempDir();
beforeAll(async () => {
  gw = await startTestGateway({ dataDir });
});
afterAll(() => gw.close());

const msg = [{ role: 'user' as const, content: 'hello' }];
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  );
const listed = async (client: OpenAI) => {
  const ids: string[] = [];
  for await (const m of client.models.list()) ids.push(m.id);
  return ids;
};

describe('per-organisation preferences', () => {
  it('a Western customer that must not use DeepSeek is refused it, naming its own preference, and never sees it listed', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'Western Bank plc', country: 'GB' });
    const other = await gw.newOrgKey({ name: 'Unbothered Ltd', country: 'GB' });
    const put = await gw.admin('PUT', `/orgs/${orgId}/preferences`, { vendors: { deny: ['deepseek'] } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ vendors: { deny: ['deepseek'] } });
    const client = gw.client(key);
    const denied = await errorOf(client.chat.completions.create({ model: 'deepseek-chat', messages: msg }));
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(denied!.code).toBe('policy_denied');
    expect(denied!.message).toMatch(/own preferences exclude vendor deepseek \(vendors\.deny\)/);
    const ids = await listed(client);
    expect(ids).not.toContain('deepseek-chat');
    expect(ids).not.toContain('deepseek-reasoner');
    expect(ids).toContain('gpt-4o');
    await client.chat.completions.create({ model: 'gpt-4o', messages: msg });
    // Another organisation is not affected.
    await gw.client(other.key).chat.completions.create({ model: 'deepseek-chat', messages: msg });
  });

  it('a customer that wants only EU-served models is served from the EU or not at all', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'EU Only GmbH', country: 'DE' });
    expect((await gw.admin('PUT', `/orgs/${orgId}/preferences`, { region_countries: { allow: ['EU'] } })).status).toBe(
      200,
    );
    const client = gw.client(key);
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions
        .create({ model: 'claude-sonnet-4', messages: msg })
        .withResponse();
      expect(response.headers.get('x-conduit-region')).toBe('eu-west');
    }
    const gpt = await errorOf(client.chat.completions.create({ model: 'gpt-4o', messages: msg, stream: true }));
    expect(gpt!.code).toBe('policy_denied');
    expect(gpt!.message).toMatch(/allow only serving country EU \(region_countries\.allow\)/);
    const ids = await listed(client);
    expect(ids).toEqual(expect.arrayContaining(['claude-sonnet-4', 'deepseek-chat']));
    expect(ids).not.toContain('gpt-4o');
  });

  it("model lists take aliases, stored as the model's name; unknown names are refused by their path", async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'Picky Ltd', country: 'FR' });
    const put = await gw.admin('PUT', `/orgs/${orgId}/preferences`, { models: { deny: ['deepseek-r1'] } });
    expect(put.body).toEqual({ models: { deny: ['deepseek-reasoner'] } });
    expect(
      (await errorOf(gw.client(key).chat.completions.create({ model: 'deepseek-reasoner', messages: msg })))!.message,
    ).toMatch(/model deepseek-reasoner \(models\.deny\)/);
    await gw.client(key).chat.completions.create({ model: 'deepseek-chat', messages: msg });
    const typo = await gw.admin('PUT', `/orgs/${orgId}/preferences`, { vendors: { deny: ['deepsek'] } });
    expect(typo.status).toBe(400);
    expect(typo.body.error.param).toBe('vendors.deny[0]');
    const shape = await gw.admin('PUT', `/orgs/${orgId}/preferences`, { region_countries: { allow: ['Europe'] } });
    expect(shape.body.error.param).toBe('region_countries.allow[0]');
    // Refused input changed nothing; an empty document clears.
    expect((await gw.admin('GET', `/orgs/${orgId}/preferences`)).body).toEqual({
      models: { deny: ['deepseek-reasoner'] },
    });
    expect((await gw.admin('PUT', `/orgs/${orgId}/preferences`, {})).body).toEqual({});
    await gw.client(key).chat.completions.create({ model: 'deepseek-reasoner', messages: msg });
  });
});

describe('contract terms and explanations', () => {
  it('records the terms with the organisation, on the record, and explain shows them with the preference that decided', async () => {
    const { orgId } = await gw.newOrgKey({ name: 'Contracted SA', country: 'ES' });
    const terms = {
      reference: 'MSA-2026-017',
      effective_from: '2026-04-01',
      acceptable_use: 'No automated decisions about individuals.',
      data_retention: 'Prompts and outputs are not kept beyond 30 days.',
    };
    expect((await gw.admin('PUT', `/orgs/${orgId}/contract`, terms)).body).toEqual(terms);
    expect((await gw.admin('PUT', `/orgs/${orgId}/contract`, { acceptable_use: '' })).status).toBe(400);
    await gw.admin('PUT', `/orgs/${orgId}/preferences`, { regions: { deny: ['us-east'] } });
    expect((await gw.admin('GET', `/orgs/${orgId}`)).body).toMatchObject({
      contract: terms,
      preferences: { regions: { deny: ['us-east'] } },
    });

    const explain = (await gw.admin('GET', `/policy/explain?org=${orgId}&model=gpt-4o`)).body;
    expect(explain).toMatchObject({
      allowed: true,
      contract: terms,
      preferences: { regions: { deny: ['us-east'] } },
      jurisdiction: { controlling_country: 'ES' },
    });
    const byRegion = Object.fromEntries(explain.decisions.map((d: { region: string }) => [d.region, d]));
    expect(byRegion['us-east']).toMatchObject({
      allowed: false,
      rule: 'org-preferences',
      preference: { field: 'regions.deny', value: 'us-east' },
    });
    expect(byRegion.sg).toMatchObject({ allowed: true, rule: 'default' });
    expect(byRegion.sg.preference).toBeUndefined();

    const trail = (await gw.admin('GET', `/audit?subject_id=${orgId}`)).body.data.map(
      (e: { action: string }) => e.action,
    );
    expect(trail).toEqual(expect.arrayContaining(['org.contract.updated', 'org.preferences.updated']));
  });

  it("what-if says when a customer's own preference, not the policy, keeps a model from it", async () => {
    const cn = await gw.admin('POST', '/orgs', { name: 'No Claude Anyway Co', country: 'CN', tier: 'verified' });
    await gw.admin('PUT', `/orgs/${cn.body.id}/preferences`, { vendors: { deny: ['anthropic'] } });
    const current = (await gw.admin('GET', '/policy')).body.policy;
    const proposed = { ...current, rules: current.rules.filter((r: { id: string }) => !r.id.startsWith('anthropic-')) };
    const res = (await gw.admin('POST', '/policy/what-if', { policy: proposed })).body;
    expect(res.data.find((c: { org: string }) => c.org === cn.body.id)).toBeUndefined();
    expect(res.held_by_preference).toContainEqual(
      expect.objectContaining({
        org: cn.body.id,
        model: 'claude-sonnet-4',
        change: 'gained',
        controlling_country: 'CN',
        controlling_market: 'greater-china',
        rule: 'org-preferences',
        preference: expect.objectContaining({ field: 'vendors.deny', value: 'anthropic' }),
      }),
    );
  });

  it('survive a restart', async () => {
    const { orgId } = await gw.newOrgKey({ name: 'Durable BV', country: 'NL' });
    await gw.admin('PUT', `/orgs/${orgId}/preferences`, { vendors: { allow: ['openai'] } });
    await gw.admin('PUT', `/orgs/${orgId}/contract`, { data_retention: 'Zero retention.' });
    await gw.close();
    gw = await startTestGateway({ dataDir });
    expect((await gw.admin('GET', `/orgs/${orgId}`)).body).toMatchObject({
      preferences: { vendors: { allow: ['openai'] } },
      contract: { data_retention: 'Zero retention.' },
    });
    const key = await gw.admin('POST', `/orgs/${orgId}/keys`, {});
    expect((await listed(gw.client(key.body.key))).sort()).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
  });
});
