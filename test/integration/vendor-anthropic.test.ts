// Issue 23, vendor fidelity: an `anthropic` deployment against Anthropic's own Messages API replies
// (test/fixtures/vendors/anthropic, see SOURCES.md there): thinking blocks (signature_delta in streams), tool_use
// (input_json_delta), usage with cache writes and reads, and an overloaded_error, before a stream and in the middle
// of one. Customers on both sides: the openai SDK (chat completions) and @anthropic-ai/sdk (POST /v1/messages).
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { finalUsageEvent, startVendorReplay, type VendorReplay } from '../helpers/vendor-replay.ts';

const KEY_ENV = 'CONDUIT_TEST_ANTHROPIC_KEY';
let vendor: VendorReplay;
let gw: TestGateway;

beforeAll(async () => {
  process.env[KEY_ENV] = 'sk-ant-test';
  vendor = await startVendorReplay();
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'eu-west', country: 'IE' }],
      vendors: [{ id: 'anthropic' }],
      providers: [
        {
          id: 'claude-eu',
          vendor: 'anthropic',
          type: 'anthropic',
          region: 'eu-west',
          base_url: `${vendor.url}/v1`,
          api_key_env: KEY_ENV,
          models: [{ model: 'claude-sonnet-4', upstream: 'claude-sonnet-4-20250514' }],
          timeouts: { connect_ms: 1000, first_byte_ms: 2000, idle_ms: 2000, total_ms: 5000 },
        },
      ],
      models: [{ name: 'claude-sonnet-4', vendor: 'anthropic' }],
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2025-01-01',
            // Per million tokens; thinking is output, at the output rate.
            vendor_costs: [
              {
                deployment: 'claude-eu',
                model: 'claude-sonnet-4',
                input: '3.00',
                cached_input: '0.30',
                cache_write: '3.75',
                cache_write_1h: '6.00',
                output: '15.00',
              },
            ],
            list_prices: [
              {
                model: 'claude-sonnet-4',
                input: '3.60',
                cached_input: '0.36',
                cache_write: '4.50',
                cache_write_1h: '7.20',
                output: '18.00',
              },
            ],
          },
        ],
      },
      routing: { retry: { max_attempts: 1 } },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await vendor?.close();
  delete process.env[KEY_ENV];
});

const messages = [{ role: 'user' as const, content: 'What is the weather like in Paris?' }];
const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Get the current weather',
      parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    },
  },
];
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  );

async function customer(): Promise<{ openai: OpenAI; anthropic: Anthropic; orgId: string }> {
  const { orgId, key } = await gw.newOrgKey();
  return { openai: gw.client(key), anthropic: new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 }), orgId };
}

// The thinking + tool_use reply: input_tokens 58 (uncached), cache_creation_input_tokens 512 (written, at the
// cache-write rate), cache_read_input_tokens 2048; output 120, of which 64 thinking.
// Prompt tokens 58 + 512 + 2048 = 2618, 2048 of them read from the cache and 512 written to it.
// Cost:  58 x 3.00 + 512 x 3.75 + 2048 x 0.30 + 120 x 15.00 = 4508.4 micro-USD -> 4508.
// Price: 58 x 3.60 + 512 x 4.50 + 2048 x 0.36 + 120 x 18.00 = 5410.08 -> 5410.
// (Writes at the input rate, as before cache writes were priced apart, made 4124 and 4949.)
const CACHED_TOKENS = { prompt_tokens: 2618, cached_tokens: 2048, cache_write_tokens: 512, completion_tokens: 120 };
const CACHED_CHARGES = { cost_micros: 4508, price_micros: 5410 };
const CACHED_DETAILS = { cached_tokens: 2048, cache_write_tokens: 512 };
const TEXT = "I'll check the current weather in Paris for you.";

describe('Anthropic Messages replies, to OpenAI chat clients', () => {
  it('a JSON reply with thinking, text and tool_use: the text and the tool call, cache reads and writes priced apart', async () => {
    vendor.play({ file: 'anthropic/message-thinking-tool-use.json' });
    const { openai, orgId } = await customer();
    const reply = await openai.chat.completions.create({ model: 'claude-sonnet-4', messages, tools });
    const sent = vendor.last();
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-4-20250514', messages: [{ role: 'user' }] });
    const choice = reply.choices[0]!;
    expect(choice.message.content).toBe(TEXT);
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type === 'function' && [call.id, call.function.name, JSON.parse(call.function.arguments)]).toEqual([
      'toolu_01NRLabsLyVHZPKxbKvkfSMn',
      'get_weather',
      { location: 'Paris' },
    ]);
    expect(reply.usage).toMatchObject({
      prompt_tokens: 2618,
      completion_tokens: 120,
      prompt_tokens_details: CACHED_DETAILS,
    });
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({
      ...CACHED_TOKENS,
      ...CACHED_CHARGES,
      estimated: false,
    });
  });

  it('through the Responses API too: cache reads and writes in input_tokens_details, priced apart', async () => {
    vendor.play({ file: 'anthropic/message-thinking-tool-use.json' });
    const { openai, orgId } = await customer();
    const reply = await openai.responses.create({
      model: 'claude-sonnet-4',
      input: 'What is the weather like in Paris?',
    });
    expect(reply.usage).toMatchObject({ input_tokens: 2618, input_tokens_details: CACHED_DETAILS, output_tokens: 120 });
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ ...CACHED_TOKENS, ...CACHED_CHARGES });
  });

  it('cache writes kept an hour are priced at their own rate, JSON and streamed', async () => {
    // 40 input, 600 written (200 for five minutes, 400 for an hour), 1000 read, 50 out:
    // cost  40 x 3.00 + 200 x 3.75 + 400 x 6.00 + 1000 x 0.30 + 50 x 15.00 = 4320 micro-USD;
    // price 40 x 3.60 + 200 x 4.50 + 400 x 7.20 + 1000 x 0.36 + 50 x 18.00 = 5184.
    const expected = {
      prompt_tokens: 1640,
      cached_tokens: 1000,
      cache_write_tokens: 600,
      cache_write_1h_tokens: 400,
      cost_micros: 4320,
      price_micros: 5184,
    };
    vendor.play({ file: 'anthropic/message-cache-1h.json' });
    const json = await customer();
    await json.openai.chat.completions.create({ model: 'claude-sonnet-4', messages });
    expect(await finalUsageEvent(gw.store, json.orgId)).toMatchObject(expected);

    vendor.play({ file: 'anthropic/stream-cache-1h.sse' });
    const streamed = await customer();
    await streamed.openai.chat.completions
      .stream({ model: 'claude-sonnet-4', messages, stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(await finalUsageEvent(gw.store, streamed.orgId)).toMatchObject(expected);

    // Anthropic SDK clients get the writes by lifetime back, as Anthropic states them.
    const stated = {
      input_tokens: 40,
      cache_creation_input_tokens: 600,
      cache_read_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 400 },
      output_tokens: 50,
    };
    const request = {
      model: 'claude-sonnet-4',
      max_tokens: 256,
      messages: [{ role: 'user' as const, content: 'Liability?' }],
    };
    vendor.play({ file: 'anthropic/message-cache-1h.json' });
    expect((await json.anthropic.messages.create(request)).usage).toMatchObject(stated);
    // Streamed, the totals arrive on message_delta, whose usage the SDK's accumulator reads without the breakdown.
    vendor.play({ file: 'anthropic/stream-cache-1h.sse' });
    const { cache_creation: _, ...totals } = stated;
    expect((await json.anthropic.messages.stream(request).finalMessage()).usage).toMatchObject(totals);
  });

  it("the SDK's own tool_use stream: text, then the call assembled from input_json_delta", async () => {
    vendor.play({ file: 'anthropic/stream-tool-use.sse' });
    const { openai, orgId } = await customer();
    const final = await openai.chat.completions
      .stream({ model: 'claude-sonnet-4', messages, tools, stream_options: { include_usage: true } })
      .finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.message.content).toBe(TEXT);
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type === 'function' && [call.id, call.function.name, JSON.parse(call.function.arguments)]).toEqual([
      'toolu_01NRLabsLyVHZPKxbKvkfSMn',
      'get_weather',
      { location: 'Paris' },
    ]);
    expect(final.usage).toMatchObject({ prompt_tokens: 377, completion_tokens: 65 });
    expect(vendor.last().body.stream).toBe(true);
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({
      prompt_tokens: 377,
      completion_tokens: 65,
      estimated: false,
    });
  });

  it('a stream with thinking (and its signature_delta), text and tool_use, with cache reads and writes', async () => {
    vendor.play({ file: 'anthropic/stream-thinking-tool-use-cached.sse' });
    const { openai, orgId } = await customer();
    const final = await openai.chat.completions
      .stream({ model: 'claude-sonnet-4', messages, tools, stream_options: { include_usage: true } })
      .finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.message.content).toBe(TEXT);
    const call = choice.message.tool_calls![0]!;
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ location: 'Paris' });
    expect(final.usage).toMatchObject({
      prompt_tokens: 2618,
      completion_tokens: 120,
      prompt_tokens_details: CACHED_DETAILS,
    });
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({
      ...CACHED_TOKENS,
      ...CACHED_CHARGES,
      estimated: false,
    });
  });

  it('thinking tokens (usage.output_tokens_details) are read as reasoning tokens, JSON and streamed', async () => {
    vendor.play({ file: 'anthropic/message-thinking-tool-use.json' });
    const json = await customer();
    const reply = await json.openai.chat.completions.create({ model: 'claude-sonnet-4', messages, tools });
    expect(reply.usage!.completion_tokens_details).toMatchObject({ reasoning_tokens: 64 });
    expect(await finalUsageEvent(gw.store, json.orgId)).toMatchObject({ reasoning_tokens: 64 });

    vendor.play({ file: 'anthropic/stream-thinking-tool-use-cached.sse' });
    const streamed = await customer();
    const final = await streamed.openai.chat.completions
      .stream({ model: 'claude-sonnet-4', messages, tools, stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(final.usage!.completion_tokens_details).toMatchObject({ reasoning_tokens: 64 });
    expect(await finalUsageEvent(gw.store, streamed.orgId)).toMatchObject({ reasoning_tokens: 64 });
  });

  it("a stream that reports no usage at all (the documentation's thinking example) is estimated, never billed zero", async () => {
    vendor.play({ file: 'anthropic/stream-thinking.sse' });
    const { openai, orgId } = await customer();
    const stream = await openai.chat.completions.create({
      model: 'claude-sonnet-4',
      messages: [{ role: 'user', content: 'What is 27 * 453?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('27 * 453 = 12,231');
    const event = await finalUsageEvent(gw.store, orgId);
    expect(event.estimated).toBe(true);
    expect(event.prompt_tokens).toBeGreaterThan(0);
    expect(event.completion_tokens).toBeGreaterThan(0);
    expect(event.price_micros).toBeGreaterThan(0);
    expect(usage).toMatchObject({ prompt_tokens: event.prompt_tokens, completion_tokens: event.completion_tokens });
  });
});

describe('Anthropic overloaded_error', () => {
  it('in the middle of a stream: what came is delivered, then an error saying the vendor is over capacity', async () => {
    vendor.play({ file: 'anthropic/stream-overloaded.sse' });
    const { openai, orgId } = await customer();
    let text = '';
    const err = await errorOf(
      (async () => {
        for await (const chunk of await openai.chat.completions.create({
          model: 'claude-sonnet-4',
          messages,
          stream: true,
        }))
          text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text).toBe('Hello! How can I');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err!.message).toMatch(/over capacity/);
    const event = await finalUsageEvent(gw.store, orgId);
    expect(event.status).toBe(503);
    expect(event.completion_tokens).toBeGreaterThan(0);
  });

  it('in the middle of a stream, to an Anthropic SDK client: an error event of type overloaded_error', async () => {
    vendor.play({ file: 'anthropic/stream-overloaded.sse' });
    const { anthropic } = await customer();
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const err = (await stream.finalMessage().catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(JSON.stringify(err.error)).toContain('overloaded_error');
  });

  it('as an HTTP 529: a 503 upstream_overloaded, to either SDK', async () => {
    vendor.play(
      { file: 'anthropic/error-overloaded.json', status: 529 },
      { file: 'anthropic/error-overloaded.json', status: 529 },
    );
    const { openai, anthropic } = await customer();
    const err = await errorOf(openai.chat.completions.create({ model: 'claude-sonnet-4', messages }));
    expect(err!.status).toBe(503);
    expect(err!.code).toBe('upstream_overloaded');
    const viaMessages = (await anthropic.messages
      .create({ model: 'claude-sonnet-4', max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(viaMessages.status).toBe(503);
    expect(JSON.stringify(viaMessages.error)).toContain('overloaded_error');
  });
});

describe('Anthropic Messages replies, to Anthropic SDK clients', () => {
  it('usage keeps input_tokens apart from cache reads and writes, JSON and streamed', async () => {
    vendor.play({ file: 'anthropic/message-thinking-tool-use.json' });
    const json = await customer();
    const reply = await json.anthropic.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'What is the weather like in Paris?' }],
    });
    expect(reply.content.find((b) => b.type === 'text')).toMatchObject({ text: TEXT });
    expect(reply.content.find((b) => b.type === 'tool_use')).toMatchObject({
      name: 'get_weather',
      input: { location: 'Paris' },
    });
    // Anthropic's input_tokens never include cache reads or writes: the three make the whole prompt.
    const u = reply.usage;
    expect([u.input_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens]).toEqual([58, 512, 2048]);
    expect(u.output_tokens).toBe(120);

    vendor.play({ file: 'anthropic/stream-thinking-tool-use-cached.sse' });
    const streamed = await customer();
    const final = await streamed.anthropic.messages
      .stream({
        model: 'claude-sonnet-4',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'What is the weather like in Paris?' }],
      })
      .finalMessage();
    const s = final.usage;
    expect([s.input_tokens, s.cache_creation_input_tokens, s.cache_read_input_tokens]).toEqual([58, 512, 2048]);
    expect(s.output_tokens).toBe(120);
  });
});
