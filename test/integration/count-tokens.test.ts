// POST /v1/messages/count_tokens with the official @anthropic-ai/sdk: authenticated like /v1/messages, refused
// where a call would be refused (model, policy, regions), answered with {input_tokens}, never billed.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPromptTokens } from '../../src/metering/delivered-tokens.ts';
import { messagesToChat, messagesRequestSchema } from '../../src/protocols/anthropic/surface-request.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
let orgId: string;
let client: Anthropic;
const clientFor = (apiKey: string) => new Anthropic({ baseURL: gw.url, apiKey, maxRetries: 0 });
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
  );
const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];
const tools = [
  {
    name: 'get_weather',
    description: 'Weather for a city',
    input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

beforeAll(async () => {
  gw = await startTestGateway();
  const k = await gw.newOrgKey();
  orgId = k.orgId;
  client = clientFor(k.key);
});
afterAll(() => gw.close());

describe('Anthropic count_tokens', () => {
  it('answers {input_tokens} for the prompt as the gateway counts it, system and tools included', async () => {
    const plain = await client.messages.countTokens({ model: 'claude-sonnet-4', messages });
    expect(Object.keys(plain)).toEqual(['input_tokens']);
    // The gateway's own tokenizer over the request as the pipeline sees it (OpenAI chat, system first).
    const request = { model: 'claude-sonnet-4', max_tokens: 1, messages };
    expect(plain.input_tokens).toBe(await countPromptTokens(messagesToChat(messagesRequestSchema.parse(request))));
    expect(plain.input_tokens).toBeGreaterThan(5);
    expect(plain.input_tokens).toBeLessThan(30);

    const withSystem = await client.messages.countTokens({
      model: 'claude-sonnet-4',
      system: 'You are a terse geography tutor.',
      messages,
    });
    expect(withSystem.input_tokens).toBeGreaterThan(plain.input_tokens);
    const withTools = await client.messages.countTokens({ model: 'claude-sonnet-4', messages, tools });
    expect(withTools.input_tokens).toBeGreaterThan(plain.input_tokens);
    // Any chat model of the catalogue, by name or alias.
    expect((await client.messages.countTokens({ model: 'deepseek-v3', messages })).input_tokens).toBe(
      plain.input_tokens,
    );
  });

  it("counts a tokenizer's special-token names in the text as text", async () => {
    // The text of a special token is only text when a customer sends it; counting it must not fail.
    const content = 'Explain <|endoftext|> and <|im_start|> in one line.';
    const { input_tokens } = await client.messages.countTokens({
      model: 'claude-sonnet-4',
      messages: [{ role: 'user', content }],
    });
    const plain = await client.messages.countTokens({
      model: 'claude-sonnet-4',
      messages: [{ role: 'user', content: content.replaceAll('<|', '< |') }],
    });
    expect(input_tokens).toBeGreaterThan(plain.input_tokens - 4);
    expect(input_tokens).toBeGreaterThan(10);
  });

  it('is not a call: nothing is billed or recorded as usage', async () => {
    for (let i = 0; i < 3; i++) await client.messages.countTokens({ model: 'claude-sonnet-4', messages });
    const usage = await gw.admin('GET', `/orgs/${orgId}/usage`);
    expect(usage.body.requests).toBe(0);
  });

  it('is authenticated like /v1/messages', async () => {
    expect(
      await errorOf(clientFor('sk-not-a-key').messages.countTokens({ model: 'claude-sonnet-4', messages })),
    ).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it("refuses what a call would refuse, in Anthropic's error shape", async () => {
    const unknown = await errorOf(client.messages.countTokens({ model: 'claude-9', messages }));
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknown!.message).toMatch(/claude-9/);

    const embedding = await errorOf(client.messages.countTokens({ model: 'text-embedding-3-small', messages }));
    expect(embedding).toBeInstanceOf(Anthropic.BadRequestError);

    const bad = await errorOf(client.messages.countTokens({ model: 'claude-sonnet-4', messages: [] }));
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect(bad!.message).toMatch(/messages/);
    expect((bad!.error as { type?: string; error?: { type?: string } }).error?.type).toBe('invalid_request_error');

    // The availability policy: Anthropic's models are not offered to customers incorporated in China.
    const cn = clientFor((await gw.newOrgKey({ name: 'Shanghai Count Co', country: 'CN', tier: 'verified' })).key);
    const denied = await errorOf(cn.messages.countTokens({ model: 'claude-sonnet-4', messages }));
    expect(denied).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(denied!.message).toMatch(/anthropic-no-cn-customers/);
    expect((await cn.messages.countTokens({ model: 'deepseek-chat', messages })).input_tokens).toBeGreaterThan(0);

    // The regions the organisation may be served from: DeepSeek runs in sg and eu-west only.
    const us = await gw.newOrgKey({ name: 'US Only Inc', country: 'US' });
    expect((await gw.admin('PUT', `/orgs/${us.orgId}/routing`, { allowed_regions: ['us-east'] })).status).toBe(200);
    const region = await errorOf(clientFor(us.key).messages.countTokens({ model: 'deepseek-chat', messages }));
    expect(region).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(region!.message).toMatch(/region/);
  });
});
