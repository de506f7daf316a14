import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load.ts';
import { InProcessSimulator } from '../providers/simulator/adapter.ts';
import { Catalogue } from './catalogue.ts';
import { HealthBook } from './health.ts';
import { Router, type RequestNeeds } from './router.ts';

const config = validateConfig({
  regions: [
    { id: 'sg', country: 'SG' },
    { id: 'us-east', country: 'US' },
    { id: 'eu-west', country: 'IE' },
    { id: 'cn-east', country: 'CN' },
  ],
  vendors: [{ id: 'openai' }, { id: 'deepseek' }],
  providers: [
    {
      id: 'us',
      vendor: 'openai',
      type: 'simulator',
      region: 'us-east',
      priority: 1,
      weight: 3,
      models: [{ model: 'gpt', cost_per_mtok: { input: 5, output: 15 } }],
    },
    {
      id: 'eu',
      vendor: 'openai',
      type: 'simulator',
      region: 'eu-west',
      priority: 2,
      weight: 1,
      models: [{ model: 'gpt', cost_per_mtok: { input: 2, output: 8 } }],
    },
    {
      id: 'sg',
      vendor: 'openai',
      type: 'simulator',
      region: 'sg',
      priority: 3,
      capabilities: { tools: false },
      models: [{ model: 'gpt', cost_per_mtok: { input: 1, output: 2 } }],
    },
    { id: 'ds', vendor: 'deepseek', type: 'simulator', region: 'cn-east', models: [{ model: 'ds' }] },
  ],
  models: [
    { name: 'gpt', vendor: 'openai', routing: { fallback: ['ds'] } },
    { name: 'ds', vendor: 'deepseek' },
  ],
});
const needs: RequestNeeds = { streaming: false, tools: false, vision: false, responses: false, promptTokens: 10 };

function setup(random = () => 0.5) {
  const catalogue = new Catalogue(config, (p) => new InProcessSimulator(p));
  const health = new HealthBook(config.routing.circuit);
  return { router: new Router(catalogue, health, config.routing, random), health, model: catalogue.resolve('gpt')! };
}
const ids = (attempts: Array<{ deployment: { id: string } }>) => attempts.map((a) => a.deployment.id);

describe('router', () => {
  it('orders by priority, then falls back to the fallback model', () => {
    const { router, model } = setup();
    expect(ids(router.plan(model, needs, { country: 'DE' }))).toEqual(['us', 'eu', 'sg', 'ds']);
  });

  it('keeps to allowed regions and residency, and says why when nothing is left', () => {
    const { router, model } = setup();
    expect(ids(router.plan(model, needs, { country: 'DE', org: { residency: ['EU'] } }))).toEqual(['eu']);
    expect(ids(router.plan(model, needs, { country: 'SG', org: { exclude_home_country: true } }))).toEqual([
      'us',
      'eu',
      'ds',
    ]);
    expect(() => router.plan(model, needs, { country: 'DE', org: { allowed_regions: ['cn-east'] } })).toThrow(/region/);
    // A key's residency outside what its organisation allows leaves no region: refused (403), never served anyway.
    expect(() =>
      router.plan(model, needs, { country: 'DE', org: { allowed_regions: ['sg'] }, key: { residency: ['US'] } }),
    ).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('skips deployments that lack a needed capability', () => {
    const { router, model } = setup();
    expect(ids(router.plan(model, { ...needs, tools: true }, { country: 'DE' }))).toEqual(['us', 'eu', 'ds']);
    expect(() => router.plan(model, { ...needs, promptTokens: 10_000_000 }, { country: 'DE' })).toThrow(
      /supports this request/,
    );
  });

  it('puts preferred regions first and unhealthy deployments last', () => {
    const { router, model, health } = setup();
    expect(ids(router.plan(model, needs, { country: 'DE', org: { preferred_regions: ['sg'] } })).slice(0, 3)).toEqual([
      'sg',
      'us',
      'eu',
    ]);
    for (let i = 0; i < 5; i++) health.failure('us');
    expect(ids(router.plan(model, needs, { country: 'DE' })).slice(0, 3)).toEqual(['eu', 'sg', 'us']);
  });

  it('least cost picks the cheapest deployment within the latency bound', () => {
    const { router, model, health } = setup();
    health.success('sg', 500);
    health.success('eu', 40);
    health.success('us', 30);
    expect(ids(router.plan(model, needs, { country: 'DE', org: { strategy: 'cost' } })).slice(0, 3)).toEqual([
      'sg',
      'eu',
      'us',
    ]);
    const bounded = { ...model, routing: { ...model.routing, latency_bound_ms: 100 } };
    expect(ids(router.plan(bounded, needs, { country: 'DE', org: { strategy: 'cost' } })).slice(0, 3)).toEqual([
      'eu',
      'us',
      'sg',
    ]);
    expect(ids(router.plan(model, needs, { country: 'DE', org: { strategy: 'latency' } })).slice(0, 3)).toEqual([
      'us',
      'eu',
      'sg',
    ]);
  });

  it('weighted routing follows the weights', () => {
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const { router, model } = setup(random);
    const first: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) {
      const id = router.plan(model, needs, { country: 'DE', org: { strategy: 'weighted' } })[0]!.deployment.id;
      first[id] = (first[id] ?? 0) + 1;
    }
    // weights 3 : 1 : 1
    expect(first.us! / 5000).toBeGreaterThan(0.55);
    expect(first.us! / 5000).toBeLessThan(0.65);
    expect(first.eu! / 5000).toBeGreaterThan(0.15);
  });
});
