// The demo's activity (`npm start`): a campaign of look-alike accounts on the abuse page and a canary with figures on
// both arms; run again on the same data (a restart), it adds no second campaign.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CAMPAIGN, DEMO_EXPERIMENT, seedDemoActivity } from '../../src/demo-activity.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw?.close());

describe('demo activity', () => {
  it('links the look-alike accounts in one campaign and gives both arms of the canary figures', async () => {
    const said = await seedDemoActivity(gw.app, gw.adminToken, gw.demoKey);
    expect(said.join('\n')).toContain('campaign');
    const orgs = (await gw.admin('GET', '/orgs')).body.data as Array<{ id: string; name: string }>;
    const members = DEMO_CAMPAIGN.names.map((name) => orgs.find((o) => o.name === name)!.id);
    const risk = (await gw.admin('GET', '/abuse/risk')).body.data as Array<{ org: string; campaign: string | null }>;
    const campaigns = members.map((id) => risk.find((r) => r.org === id)?.campaign);
    expect(campaigns[0]).toMatch(/^campaign_/);
    expect(campaigns[1]).toBe(campaigns[0]);

    const experiments = (await gw.admin('GET', '/routing/experiments')).body.data;
    const canary = experiments.find((e: { model: string }) => e.model === DEMO_EXPERIMENT.model);
    expect(canary).toMatchObject({ kind: 'canary', candidate: 'sim-deepseek-eu-west' });
    expect(canary.candidate_stats.requests).toBeGreaterThanOrEqual(2);
    expect(canary.primary.requests + canary.candidate_stats.requests).toBeGreaterThanOrEqual(DEMO_EXPERIMENT.requests);
    expect(canary.primary.requests + canary.candidate_stats.requests).toBeLessThanOrEqual(DEMO_EXPERIMENT.maxRequests);
  });

  it('run again (a restart on the same data), sends canary traffic but makes no second campaign', async () => {
    const before = (await gw.admin('GET', '/orgs')).body.data.length;
    const said = await seedDemoActivity(gw.app, gw.adminToken, gw.demoKey);
    expect(said.join('\n')).not.toContain('campaign');
    expect((await gw.admin('GET', '/orgs')).body.data.length).toBe(before);
  });
});
