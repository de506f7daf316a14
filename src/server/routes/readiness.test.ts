import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../test/helpers/gateway.ts';
import { readinessRoutes } from './readiness.ts';

describe('GET /readyz', () => {
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('answers 200 for the embedded default, which depends on no server', async () => {
    gateway = await startTestGateway();
    const res = await fetch(`${gateway.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: {} });
  });

  it('answers 503 naming each server that fails or does not answer, 200 once all answer', async () => {
    let redisUp = false;
    const app = Fastify();
    readinessRoutes(app, [
      { name: 'postgres', check: async () => {} },
      {
        name: 'redis',
        check: async () => {
          if (!redisUp) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        },
      },
      { name: 'nats', check: () => new Promise(() => {}) },
    ]);
    const started = Date.now();
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({
      status: 'not_ready',
      checks: {
        postgres: 'ok',
        redis: 'unreachable (connect ECONNREFUSED 127.0.0.1:6379)',
        nats: 'did not answer within 2000 ms',
      },
      error: {
        message:
          'Not ready: redis unreachable (connect ECONNREFUSED 127.0.0.1:6379); nats did not answer within 2000 ms.',
        type: 'server_error',
        param: null,
        code: 'not_ready',
      },
    });
    redisUp = true;
    const app2 = Fastify();
    readinessRoutes(app2, [
      { name: 'postgres', check: async () => {} },
      { name: 'redis', check: async () => {} },
    ]);
    const up = await app2.inject({ method: 'GET', url: '/readyz' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    await app.close();
    await app2.close();
  });
});
