// A canary in a cluster: each node sends its share of requests to the candidate, and the report on any node holds
// the traffic of both, as the operator judging the candidate needs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCluster, clusterTestConfig, type TestCluster } from '../helpers/cluster.ts';
import type { TestGateway } from '../helpers/gateway.ts';

interface ArmReport {
  requests: number;
  error_rate: number;
  latency_p50_ms: number | null;
}
interface ExperimentReport {
  model: string;
  kind: string;
  candidate: string;
  primary: ArmReport;
  candidate_stats: ArmReport;
}

describe('experiments across nodes', () => {
  let cluster: TestCluster;
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    cluster = await createTestCluster({ redis: true });
    const config = clusterTestConfig({
      providers: [
        {
          id: 'main',
          vendor: 'openai',
          type: 'simulator',
          region: 'us-east',
          priority: 1,
          models: [{ model: 'gpt-4o' }],
        },
        {
          id: 'cheap',
          vendor: 'openai',
          type: 'simulator',
          region: 'us-east',
          priority: 2,
          models: [{ model: 'gpt-4o' }],
        },
      ],
      models: [{ name: 'gpt-4o', vendor: 'openai', routing: { canary: { provider: 'cheap', share: 0.3 } } }],
    });
    [a, b] = await Promise.all([cluster.startNode({ config }), cluster.startNode({ config })]);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  const canaryOn = async (node: TestGateway): Promise<ExperimentReport | undefined> =>
    ((await node.admin('GET', '/routing/experiments')).body.data as ExperimentReport[]).find(
      (e) => e.model === 'gpt-4o' && e.kind === 'canary',
    );

  it("reports the canary with every node's traffic on each node", async () => {
    const { key } = await a.newOrgKey();
    const send = (node: TestGateway, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          node
            .client(key)
            .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `q ${i}` }] }),
        ),
      );
    await send(a, 40);
    await send(b, 60);
    // Each node sends its figures about twice a second.
    const deadline = Date.now() + 5_000;
    let onA = await canaryOn(a);
    let onB = await canaryOn(b);
    const total = (r?: ExperimentReport) => (r ? r.primary.requests + r.candidate_stats.requests : 0);
    while ((total(onA) < 100 || total(onB) < 100) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      [onA, onB] = await Promise.all([canaryOn(a), canaryOn(b)]);
    }
    expect(total(onA)).toBe(100);
    expect(onB).toEqual(onA);
    expect(onA!.candidate_stats.requests).toBeGreaterThan(10);
    expect(onA!.primary.requests).toBeGreaterThan(40);
    expect(onA!.candidate_stats.latency_p50_ms).toEqual(expect.any(Number));
  });
});
