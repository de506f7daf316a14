// OpenAI's Responses API through the gateway, with the official SDK, in-process and over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { simulatorServerConfig, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let demo: TestGateway;
let http: TestGateway;
let sim: SimulatorServer;
beforeAll(async () => {
  demo = await startTestGateway();
  sim = await startSimulatorServer();
  http = await startTestGateway({ config: simulatorServerConfig([{ id: 'sim', url: sim.url }]) });
});
afterAll(async () => {
  await demo.close();
  await http.close();
  await sim.close();
});

for (const which of ['in-process simulator', 'simulator server'] as const) {
  describe(`POST /v1/responses (${which})`, () => {
    const gw = () => (which === 'in-process simulator' ? demo : http);

    it('answers non-streaming requests and meters them', async () => {
      const { orgId, key } = await gw().newOrgKey();
      const res = await gw().client(key).responses.create({ model: 'gpt-4o', input: 'Say hello', instructions: 'Be brief.' });
      expect(res.output_text).toMatch(/^\[simulated\]/);
      expect(res.usage!.output_tokens).toBeGreaterThan(0);
      const usage = await gw().admin('GET', `/orgs/${orgId}/usage`);
      expect(usage.body.completion_tokens).toBe(res.usage!.output_tokens);
    });

    it('streams events the SDK understands, ending in response.completed', async () => {
      const { orgId, key } = await gw().newOrgKey();
      const stream = await gw().client(key).responses.create({ model: 'gpt-4o', input: [{ role: 'user', content: 'Stream please' }], stream: true });
      let text = '';
      let completed: { usage?: { output_tokens: number } | null } | undefined;
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') text += event.delta;
        if (event.type === 'response.completed') completed = event.response;
      }
      expect(text).toMatch(/^\[simulated\]/);
      expect(completed!.usage!.output_tokens).toBeGreaterThan(0);
      const usage = await gw().admin('GET', `/orgs/${orgId}/usage`);
      expect(usage.body.completion_tokens).toBe(completed!.usage!.output_tokens);
    });

    it('rejects a request without input, naming the field', async () => {
      const { key } = await gw().newOrgKey();
      const err = (await gw().client(key).responses.create({ model: "gpt-4o" } as never).catch((e: unknown) => e)) as { status: number; param: string };
      expect(err.status).toBe(400);
      expect(err.param).toBe('input');
    });
  });
}
