// The admin API calls the console reads: who am I, the catalogue, live traffic and the availability matrix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { tokenFor } from '../helpers/principals.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw?.close());

describe('admin API for the console', () => {
  it('tells a principal who it is and its role', async () => {
    const token = await tokenFor(gw, 'Fiona', 'finance');
    const me = await gw.admin('GET', '/whoami', undefined, token);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: expect.stringMatching(/^prn_/), name: 'Fiona', role: 'finance' });
    expect((await gw.admin('GET', '/whoami')).body).toMatchObject({ name: 'admin', role: 'admin' });
    expect((await gw.admin('GET', '/whoami', undefined, 'wrong')).status).toBe(401);
  });

  it('lists the catalogue with each deployment and its region', async () => {
    const res = await gw.admin('GET', '/catalogue', undefined, await tokenFor(gw, 'Vic', 'viewer'));
    expect(res.status).toBe(200);
    const gpt = res.body.models.find((m: { name: string }) => m.name === 'gpt-4o');
    expect(gpt.vendor).toBe('openai');
    expect(gpt.deployments.map((d: { id: string }) => d.id).sort()).toEqual(['sim-openai-sg', 'sim-openai-us-east']);
    expect(gpt.deployments[0]).toMatchObject({ region_country: expect.any(String), type: 'simulator' });
    expect(res.body.regions).toContainEqual({ id: 'sg', name: 'Singapore', country: 'SG' });
  });

  it('counts live data-plane traffic: requests, errors and latency', async () => {
    const { key } = await gw.newOrgKey();
    const client = gw.client(key);
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    await client.chat.completions.create({ model: 'no-such-model', messages: [] }).catch(() => undefined);
    const live = await gw.admin('GET', '/traffic/live?window_seconds=60');
    expect(live.status).toBe(200);
    expect(live.body.requests).toBe(4);
    expect(live.body.errors).toBe(0);
    expect(live.body.latency_p50_ms).toBeGreaterThan(0);
    expect(live.body.series.reduce((s: number, p: { requests: number }) => s + p.requests, 0)).toBe(4);
    const bad = await gw.admin('GET', '/traffic/live?window_seconds=9999');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('window_seconds');
  });

  it('draws the availability matrix: a trial customer in Hong Kong gets neither OpenAI nor Anthropic', async () => {
    const res = await gw.admin('GET', '/policy/matrix?tier=trial');
    expect(res.status).toBe(200);
    const hk = res.body.data.find((r: { country: string }) => r.country === 'HK');
    expect(hk.market).toBe('greater-china');
    const cell = (model: string) => hk.cells.find((c: { model: string }) => c.model === model);
    expect(cell('claude-sonnet-4')).toMatchObject({ allowed_regions: [] });
    expect(cell('claude-sonnet-4').denied[0].rule).toBe('anthropic-no-cn-customers');
    expect(cell('gpt-4o').denied.map((d: { rule: string }) => d.rule)).toContain('openai-cn-verified-only');
    expect(cell('deepseek-chat').allowed_regions.sort()).toEqual(['eu-west', 'sg']);
    const verified = await gw.admin('GET', '/policy/matrix?tier=verified');
    const hkVerified = verified.body.data.find((r: { country: string }) => r.country === 'HK');
    expect(hkVerified.cells.find((c: { model: string }) => c.model === 'gpt-4o').allowed_regions).toEqual(['sg']);
    expect((await gw.admin('GET', '/policy/matrix?tier=gold')).body.error.param).toBe('tier');
  });
});
