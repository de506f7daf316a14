// The distillation detector of a cluster sees an organisation's traffic on every node: harvesting split over two
// nodes is scored as a whole and acted on once, and accounts that share an address but send through different nodes
// are still one campaign.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/abuse/score.ts';
import { createTestCluster, clusterTestConfig, type TestCluster } from '../helpers/cluster.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { HARVEST_BUDGET, harvestPrompt } from '../helpers/harvest.ts';

type Risk = { org: string; score: number; flagged: boolean; campaign: string | null; evidence: Evidence[] };

describe('distillation detection across nodes', () => {
  let cluster: TestCluster;
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    cluster = await createTestCluster({ redis: true });
    // Alerts only (a throttle would stop the traffic the test goes on sending); addresses from X-Forwarded-For.
    // A reasoning model: a harvester asks for all the output one will give.
    const config = clusterTestConfig({
      server: { trust_proxy: true },
      abuse: { mode: 'alert_only' },
      providers: [
        {
          id: 'sim-us',
          vendor: 'openai',
          type: 'simulator',
          region: 'us-east',
          models: [{ model: 'o3-mini' }],
          simulator: { reply_tokens: 700 },
        },
      ],
      models: [{ name: 'o3-mini', vendor: 'openai' }],
    });
    [a, b] = await Promise.all([cluster.startNode({ config }), cluster.startNode({ config })]);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  const harvest = (node: TestGateway, key: string, address: string, i: number) =>
    node.client(key).chat.completions.create(
      {
        model: 'o3-mini',
        messages: [
          { role: 'system', content: 'You are a helpful teacher.' },
          { role: 'user', content: harvestPrompt(i) },
        ],
        max_tokens: HARVEST_BUDGET,
      },
      { headers: { 'x-forwarded-for': address } },
    );

  /** Each node's risk list, once `ready` holds on both (observations travel in batches, about ten a second). */
  async function riskOnBoth(
    ready: (risk: Risk[]) => boolean,
    together: (both: [Risk[], Risk[]]) => boolean = () => true,
  ): Promise<[Risk[], Risk[]]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const both = (await Promise.all(
        [a, b].map(async (node) => (await node.admin('GET', '/abuse/risk')).body.data as Risk[]),
      )) as [Risk[], Risk[]];
      if ((both.every(ready) && together(both)) || Date.now() > deadline) return both;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('harvesting sent half through each node is scored as a whole on both, and acted on once', async () => {
    const { orgId, key } = await a.newOrgKey({ name: 'Split harvester', country: 'US' });
    for (let i = 0; i < 60; i++) await harvest(i % 2 === 0 ? a : b, key, '203.0.113.50', i);
    // Both nodes saw the same 60 requests: once the last batch from the other node has arrived, both flag the
    // organisation on the same families of evidence, of about the same strength (pacing aside: the order in which a
    // node hears the other's requests moves it a little).
    const strengths = (v: Risk) =>
      Object.fromEntries(v.evidence.filter((e) => e.family !== 'pacing').map((e) => [e.family, e.strength]));
    const agree = ([onA, onB]: [Risk[], Risk[]]) => {
      const [va, vb] = [onA, onB].map((risk) => risk.find((v) => v.org === orgId));
      if (!va?.flagged || !vb?.flagged) return false;
      const [sa, sb] = [strengths(va), strengths(vb)];
      const families = Object.keys(sa).sort();
      return (
        families.join() === Object.keys(sb).sort().join() && families.every((f) => Math.abs(sa[f]! - sb[f]!) <= 0.05)
      );
    };
    const both = await riskOnBoth(() => true, agree);
    expect(agree(both), JSON.stringify(both.map((risk) => risk.find((v) => v.org === orgId)))).toBe(true);
    // One alert and one audit entry for the action, although both nodes crossed the threshold.
    await riskOnBoth(() => true);
    const audit = await a.admin('GET', `/audit?subject_id=${orgId}&action=abuse.flag`);
    expect(audit.body.data).toHaveLength(1);
  });

  it('accounts sharing an address but sending through different nodes are one campaign on every node', async () => {
    const members: string[] = [];
    const keys: string[] = [];
    for (const n of [1, 2, 3]) {
      const { orgId, key } = await a.newOrgKey({ name: `Ring member ${n}`, country: 'US' });
      members.push(orgId);
      keys.push(key);
    }
    // Member 2 only ever sends through node B, members 1 and 3 only through node A.
    for (let i = 0; i < 20; i++)
      for (const [m, node] of [a, b, a].entries()) await harvest(node, keys[m]!, '198.51.100.77', 100 + 20 * m + i);
    const oneCampaign = (risk: Risk[]) => {
      const campaigns = members.map((org) => risk.find((v) => v.org === org)?.campaign ?? null);
      return campaigns[0] !== null && campaigns.every((c) => c === campaigns[0]);
    };
    const [onA, onB] = await riskOnBoth(oneCampaign);
    expect(oneCampaign(onA), 'node A links the member it never served').toBe(true);
    expect(oneCampaign(onB), 'node B links the members it never served').toBe(true);
  });
});
