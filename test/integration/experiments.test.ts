// Canary and shadow traffic for a cheaper candidate deployment, and the side-by-side report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    config: {
      regions: [
        { id: 'us-east', country: 'US' },
        { id: 'eu-west', country: 'IE' },
      ],
      vendors: [{ id: 'openai' }],
      providers: [
        {
          id: 'main',
          vendor: 'openai',
          type: 'simulator',
          region: 'us-east',
          priority: 1,
          models: [
            { model: 'agent', upstream: 'big-model', cost_per_mtok: { input: 5, output: 15 } },
            { model: 'chat', upstream: 'big-model', cost_per_mtok: { input: 5, output: 15 } },
          ],
        },
        {
          id: 'cheap',
          vendor: 'openai',
          type: 'simulator',
          region: 'eu-west',
          priority: 2,
          models: [
            { model: 'agent', upstream: 'small-model', cost_per_mtok: { input: 0.5, output: 1.5 } },
            { model: 'chat', upstream: 'big-model', cost_per_mtok: { input: 0.5, output: 1.5 } },
          ],
        },
      ],
      models: [
        { name: 'agent', vendor: 'openai', routing: { canary: { provider: 'cheap', share: 0.3 } } },
        { name: 'chat', vendor: 'openai', routing: { shadow: { provider: 'cheap', share: 1 } } },
      ],
    },
  });
});
afterAll(() => gw.close());

describe('canary', () => {
  it('sends about the configured share to the candidate and reports both arms', async () => {
    const client = gw.client((await gw.newOrgKey()).key);
    const served: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const { response } = await client.chat.completions
        .create({ model: 'agent', messages: [{ role: 'user', content: `task ${i}` }] })
        .withResponse();
      const d = response.headers.get('x-conduit-deployment')!;
      served[d] = (served[d] ?? 0) + 1;
    }
    expect(served.cheap! / 300).toBeGreaterThan(0.2);
    expect(served.cheap! / 300).toBeLessThan(0.4);
    const report = (await gw.admin('GET', '/routing/experiments')).body.data.find(
      (e: { kind: string }) => e.kind === 'canary',
    );
    expect(report.candidate_stats.requests).toBe(served.cheap);
    expect(report.primary.requests).toBe(served.main);
    expect(report.candidate_stats.cost_per_request).toBeLessThan(report.primary.cost_per_request);
  });
});

describe('shadow', () => {
  it('copies traffic to the candidate, meters it, never returns it, and measures agreement', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'Shadowed' });
    const client = gw.client(key);
    for (let i = 0; i < 20; i++) {
      const { response } = await client.chat.completions
        .create({ model: 'chat', messages: [{ role: 'user', content: `q ${i}` }] })
        .withResponse();
      expect(response.headers.get('x-conduit-deployment')).toBe('main');
    }
    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'streamed' }],
      stream: true,
    });
    for await (const _ of stream) void _;
    await new Promise((r) => setTimeout(r, 200));
    const events = await gw.store.usage.list(orgId, { limit: 100 });
    const shadows = events.filter((e) => e.endpoint === 'shadow');
    expect(shadows).toHaveLength(21);
    expect(shadows.every((e) => e.deployment === 'cheap' && e.completion_tokens > 0)).toBe(true);
    const report = (await gw.admin('GET', '/routing/experiments')).body.data.find(
      (e: { kind: string }) => e.kind === 'shadow',
    );
    expect(report.candidate_stats.requests).toBe(21);
    // Same upstream model on both sides in this setup: the simulator answers identically.
    expect(report.agreement.mean_similarity).toBe(1);
  });

  it('does not shadow into a region the customer may not be served from', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'US only' });
    await gw.admin('PUT', `/orgs/${orgId}/routing`, { allowed_regions: ['us-east'] });
    await gw.client(key).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'private' }] });
    await new Promise((r) => setTimeout(r, 100));
    expect((await gw.store.usage.list(orgId, {})).filter((e) => e.endpoint === 'shadow')).toHaveLength(0);
  });
});
