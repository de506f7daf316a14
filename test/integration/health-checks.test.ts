// Active health checks open a dead deployment's circuit before any customer request meets it.
import { describe, expect, it } from 'vitest';
import { startSimulatorServer } from '../../src/providers/simulator/server.ts';
import { simulatorServerConfig, startTestGateway } from '../helpers/gateway.ts';

describe('active health checks', () => {
  it('mark a deployment that stopped answering, and route around it', async () => {
    const a = await startSimulatorServer();
    const b = await startSimulatorServer();
    const config = simulatorServerConfig([
      { id: 'sim-a', url: a.url },
      { id: 'sim-b', url: b.url },
    ]);
    Object.assign(config.providers[0]!, { priority: 1, health_check: { interval_ms: 100 } });
    Object.assign(config.providers[1]!, { priority: 2 });
    const gw = await startTestGateway({
      config: { ...config, routing: { circuit: { consecutive_failures: 2, cooldown_ms: 60_000 } } },
    });
    try {
      await new Promise((r) => setTimeout(r, 250));
      expect((await gw.admin('GET', '/routing/health')).body['sim-a'].state).toBe('closed');
      await a.close();
      const deadline = Date.now() + 3000;
      let state = 'closed';
      while (Date.now() < deadline && state !== 'open') {
        await new Promise((r) => setTimeout(r, 50));
        state = (await gw.admin('GET', '/routing/health')).body['sim-a'].state;
      }
      expect(state).toBe('open');
      const before = b.stats.requests;
      const { response } = await gw
        .client((await gw.newOrgKey()).key)
        .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      expect(response.headers.get('x-conduit-deployment')).toBe('sim-b');
      expect(b.stats.requests).toBe(before + 1);
    } finally {
      await gw.close();
      await b.close();
    }
  });
});
