// Every organisation is limited, by its tier's defaults unless the operator set its own, and every data-plane
// reply says so in OpenAI's x-ratelimit-* headers: JSON, streams, and 429s (with Retry-After).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const RATE_HEADERS = [
  'limit-requests',
  'remaining-requests',
  'reset-requests',
  'limit-tokens',
  'remaining-tokens',
  'reset-tokens',
].map((h) => `x-ratelimit-${h}`);
const msg = [{ role: 'user' as const, content: 'hello' }];
const rateHeaders = (headers: Headers) => Object.fromEntries(RATE_HEADERS.map((h) => [h, headers.get(h)]));
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected a 429'),
    (e: unknown) => e as InstanceType<typeof OpenAI.RateLimitError>,
  );

describe('tier defaults', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        regions: [{ id: 'us-east', country: 'US' }],
        vendors: [{ id: 'openai' }],
        providers: [
          { id: 'sim', vendor: 'openai', type: 'simulator', region: 'us-east', models: [{ model: 'gpt-4o' }] },
          // Streams that last about a second, to hold a concurrency slot.
          {
            id: 'slow',
            vendor: 'openai',
            type: 'simulator',
            region: 'us-east',
            models: [{ model: 'slow-chat' }],
            simulator: { token_delay_ms: 50, reply_tokens: 20 },
          },
        ],
        models: [
          { name: 'gpt-4o', vendor: 'openai' },
          { name: 'slow-chat', vendor: 'openai' },
        ],
        limits: {
          tiers: {
            trial: { requests_per_minute: 3, tokens_per_minute: 40_000, concurrent: 1 },
            verified: { requests_per_minute: 20 },
          },
        },
      },
    });
  });
  afterAll(() => gw.close());

  it('limit an organisation that set none, in headers on JSON, streamed and 429 replies', async () => {
    const { key } = await gw.newOrgKey({ tier: 'trial' });
    const client = gw.client(key);
    const json = await client.chat.completions
      .create({ model: 'gpt-4o', messages: msg, max_tokens: 100 })
      .withResponse();
    const first = rateHeaders(json.response.headers);
    expect(first).toMatchObject({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-limit-tokens': '40000',
    });
    // The request's estimate (its prompt and max_tokens) is counted while it runs.
    expect(Number(first['x-ratelimit-remaining-tokens'])).toBeLessThan(40_000 - 100);
    expect(first['x-ratelimit-reset-requests']).toMatch(/^\d+(ms|s|m\d+s)$/);
    expect(first['x-ratelimit-reset-tokens']).toMatch(/^\d+(ms|s|m\d+s)$/);

    const stream = await client.chat.completions
      .create({ model: 'gpt-4o', messages: msg, stream: true })
      .withResponse();
    for await (const _ of stream.data) void _;
    expect(rateHeaders(stream.response.headers)).toMatchObject({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-limit-tokens': '40000',
    });

    await client.chat.completions.create({ model: 'gpt-4o', messages: msg });
    const err = await refusal(client.chat.completions.create({ model: 'gpt-4o', messages: msg }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(err.headers!.get('retry-after'))).toBeGreaterThan(0);
    expect(rateHeaders(err.headers!)).toMatchObject({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-limit-tokens': '40000',
    });
    for (const h of RATE_HEADERS) expect(err.headers!.get(h), h).not.toBeNull();
  });

  it('keep the defaults of the fields a tier leaves out', async () => {
    const { key } = await gw.newOrgKey({ tier: 'verified' });
    const { response } = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages: msg })
      .withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('20');
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe(
      String(gw.config.limits.tiers.verified.tokens_per_minute),
    );
  });

  it('a request refused for concurrency carries the limits and Retry-After', async () => {
    const { key } = await gw.newOrgKey({ tier: 'trial' });
    const client = gw.client(key);
    const holding = await client.chat.completions.create({ model: 'slow-chat', messages: msg, stream: true });
    const err = await refusal(client.chat.completions.create({ model: 'gpt-4o', messages: msg }));
    for await (const _ of holding) void _;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers!.get('retry-after')).toBe('1');
    expect(rateHeaders(err.headers!)).toMatchObject({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-limit-tokens': '40000',
    });
  });

  it('give way to the organisation, then the key, narrower or wider', async () => {
    const { orgId, keyId, key } = await gw.newOrgKey({ tier: 'verified' });
    const other = (await gw.admin('POST', `/orgs/${orgId}/keys`, { name: 'other' })).body.key as string;
    const limitsOf = async (k = key) => {
      const { response } = await gw
        .client(k)
        .chat.completions.create({ model: 'gpt-4o', messages: msg })
        .withResponse();
      return [response.headers.get('x-ratelimit-limit-requests'), response.headers.get('x-ratelimit-limit-tokens')];
    };
    const tierTokens = String(gw.config.limits.tiers.verified.tokens_per_minute);
    expect(await limitsOf()).toEqual(['20', tierTokens]);
    await gw.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 5 });
    expect(await limitsOf()).toEqual(['5', tierTokens]);
    await gw.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 50 });
    expect(await limitsOf()).toEqual(['50', tierTokens]);
    // A key may be given more than its organisation...
    expect(
      (
        await gw.admin('PUT', `/orgs/${orgId}/keys/${keyId}/limits`, {
          requests_per_minute: 80,
          tokens_per_minute: 3_000_000,
        })
      ).status,
    ).toBe(200);
    expect(await limitsOf()).toEqual(['80', '3000000']);
    // ...or less; the organisation's other keys keep the organisation's.
    await gw.admin('PUT', `/orgs/${orgId}/keys/${keyId}/limits`, { requests_per_minute: 10 });
    expect(await limitsOf()).toEqual(['10', tierTokens]);
    expect(await limitsOf(other)).toEqual(['50', tierTokens]);
  });

  it("an abuse throttle caps what the key's own limits allow, and clearing it restores them", async () => {
    const { orgId, keyId, key } = await gw.newOrgKey({ tier: 'verified' });
    await gw.admin('PUT', `/orgs/${orgId}/keys/${keyId}/limits`, { requests_per_minute: 80 });
    const throttled = await gw.admin('POST', `/abuse/orgs/${orgId}/review`, {
      decision: 'throttle',
      reason: 'slow down pending review',
      requests_per_minute: 2,
    });
    expect(throttled.status).toBe(200);
    const client = gw.client(key);
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages: msg }).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    await client.chat.completions.create({ model: 'gpt-4o', messages: msg });
    const err = await refusal(client.chat.completions.create({ model: 'gpt-4o', messages: msg }));
    expect(err.headers!.get('x-ratelimit-limit-requests')).toBe('2');
    await gw.admin('POST', `/abuse/orgs/${orgId}/review`, { decision: 'clear', reason: 'reviewed, fine' });
    const after = await client.chat.completions.create({ model: 'gpt-4o', messages: msg }).withResponse();
    expect(after.response.headers.get('x-ratelimit-limit-requests')).toBe('80');
  });
});

describe('on the built-in demo catalogue', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it("an organisation without limits gets its tier's from the demo configuration", async () => {
    const { key } = await gw.newOrgKey({ tier: 'verified' });
    const { response } = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages: msg })
      .withResponse();
    const tier = gw.config.limits.tiers.verified;
    expect(rateHeaders(response.headers)).toMatchObject({
      'x-ratelimit-limit-requests': String(tier.requests_per_minute),
      'x-ratelimit-remaining-requests': String(tier.requests_per_minute - 1),
      'x-ratelimit-limit-tokens': String(tier.tokens_per_minute),
    });
  });

  it('a spent budget answers 429 with Retry-After (when the month turns) and the rate-limit headers', async () => {
    const { orgId, key } = await gw.newOrgKey({ tier: 'verified' });
    await gw.admin('PUT', `/orgs/${orgId}/limits`, { budget: { monthly: '0', hard: true } });
    const err = await refusal(gw.client(key).chat.completions.create({ model: 'gpt-4o', messages: msg }));
    expect(err.code).toBe('budget_exceeded');
    const now = new Date();
    const untilNextMonth = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - now.getTime()) / 1000;
    expect(Math.abs(Number(err.headers!.get('retry-after')) - untilNextMonth)).toBeLessThan(60);
    for (const h of RATE_HEADERS) expect(err.headers!.get(h), h).not.toBeNull();
  });
});
