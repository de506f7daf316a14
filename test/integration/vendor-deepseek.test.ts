// Issue 23, vendor fidelity: DeepSeek's API (OpenAI-compatible, served by an `openai` deployment) against its own
// reply shapes (test/fixtures/vendors/deepseek, see SOURCES.md there): `reasoning_content` in JSON and in stream
// deltas, keep-alive lines, and cache hits reported as `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens`.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { finalUsageEvent, startVendorReplay, type VendorReplay } from '../helpers/vendor-replay.ts';

const KEY_ENV = 'CONDUIT_TEST_DEEPSEEK_KEY';
let vendor: VendorReplay;
let gw: TestGateway;

beforeAll(async () => {
  process.env[KEY_ENV] = 'sk-test-deepseek';
  vendor = await startVendorReplay();
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'sg', country: 'SG' }],
      vendors: [{ id: 'deepseek' }],
      providers: [
        {
          id: 'deepseek-sg',
          vendor: 'deepseek',
          type: 'openai',
          region: 'sg',
          // DeepSeek's API is rooted at the bare host: https://api.deepseek.com/chat/completions.
          base_url: vendor.url,
          api_key_env: KEY_ENV,
          models: [{ model: 'deepseek-reasoner' }],
          timeouts: { connect_ms: 1000, first_byte_ms: 2000, idle_ms: 2000, total_ms: 5000 },
        },
      ],
      models: [{ name: 'deepseek-reasoner', vendor: 'deepseek' }],
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2025-01-01',
            // DeepSeek's own prices per million tokens: cache miss, cache hit, output (reasoning included).
            vendor_costs: [
              {
                deployment: 'deepseek-sg',
                model: 'deepseek-reasoner',
                input: '0.55',
                cached_input: '0.14',
                output: '2.19',
              },
            ],
            list_prices: [{ model: 'deepseek-reasoner', input: '0.70', cached_input: '0.20', output: '2.80' }],
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

const messages = [{ role: 'user' as const, content: 'hello' }];
const REASONING =
  'Okay, the user wrote "hello". That\'s pretty straightforward. I should respond in a friendly and welcoming manner.';
const TEXT = 'Hello! How can I assist you today?';

// 1042 prompt tokens: 1024 cache hits, 18 misses; 92 completion tokens, 81 of them reasoning (at the output rate).
// Cost:  18 x 0.55 + 1024 x 0.14 + 92 x 2.19 = 354.74 micro-USD -> 355.
// Price: 18 x 0.70 + 1024 x 0.20 + 92 x 2.80 = 475.
const TOKENS = { prompt_tokens: 1042, cached_tokens: 1024, completion_tokens: 92, reasoning_tokens: 81 };
const CHARGES = { cost_micros: 355, list_price_micros: 475, price_micros: 475 };

type DeepSeekMessage = OpenAI.Chat.ChatCompletionMessage & { reasoning_content?: string };
type DeepSeekDelta = OpenAI.Chat.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string | null };
type DeepSeekUsage = OpenAI.CompletionUsage & { prompt_cache_hit_tokens?: number; prompt_cache_miss_tokens?: number };

describe('DeepSeek', () => {
  it('a JSON reply keeps reasoning_content, and cache hits are priced at the cached rate', async () => {
    vendor.play({ file: 'deepseek/chat-completion-reasoner.json' });
    const { orgId, key } = await gw.newOrgKey();
    const reply = await gw.client(key).chat.completions.create({ model: 'deepseek-reasoner', messages });
    const message = reply.choices[0]!.message as DeepSeekMessage;
    expect(message.content).toBe(TEXT);
    expect(message.reasoning_content).toBe(REASONING);
    expect(reply.usage as DeepSeekUsage).toMatchObject({
      prompt_cache_hit_tokens: 1024,
      prompt_cache_miss_tokens: 18,
      completion_tokens_details: { reasoning_tokens: 81 },
    });
    expect(vendor.last().url).toBe('/chat/completions');
    expect(vendor.last().headers.authorization).toBe('Bearer sk-test-deepseek');
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ ...TOKENS, ...CHARGES, estimated: false });
  });

  it('a stream delivers reasoning_content and content deltas past keep-alive comments, billed from its usage chunk', async () => {
    vendor.play({ file: 'deepseek/chat-completion-stream-reasoner.sse' });
    const { orgId, key } = await gw.newOrgKey();
    const stream = await gw.client(key).chat.completions.create({
      model: 'deepseek-reasoner',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let reasoning = '';
    let text = '';
    let usage: DeepSeekUsage | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as DeepSeekDelta | undefined;
      reasoning += delta?.reasoning_content ?? '';
      text += delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(reasoning).toBe(REASONING);
    expect(text).toBe(TEXT);
    expect(usage).toMatchObject({ prompt_cache_hit_tokens: 1024, prompt_cache_miss_tokens: 18 });
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ ...TOKENS, ...CHARGES, estimated: false });
  });
});
