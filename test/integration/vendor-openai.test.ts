// Issue 23, vendor fidelity: an `openai` deployment against OpenAI's own reply shapes (test/fixtures/vendors/openai,
// see SOURCES.md there), replayed by a local server. Chat completions and the Responses API, JSON and streamed, with
// cached prompt tokens and reasoning tokens read from the vendor's usage and priced at their own rates in the ledger.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { finalUsageEvent, fixtureJson, startVendorReplay, type VendorReplay } from '../helpers/vendor-replay.ts';

const KEY_ENV = 'CONDUIT_TEST_OPENAI_KEY';
let vendor: VendorReplay;
let gw: TestGateway;

beforeAll(async () => {
  process.env[KEY_ENV] = 'sk-test-openai';
  vendor = await startVendorReplay();
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'openai' }],
      providers: [
        {
          id: 'openai-us',
          vendor: 'openai',
          type: 'openai',
          region: 'us-east',
          base_url: `${vendor.url}/v1`,
          api_key_env: KEY_ENV,
          models: [{ model: 'o4-mini', upstream: 'o4-mini-2025-04-16' }],
          timeouts: { connect_ms: 1000, first_byte_ms: 2000, idle_ms: 2000, total_ms: 5000 },
        },
      ],
      models: [{ name: 'o4-mini', vendor: 'openai' }],
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2025-01-01',
            // Per million tokens. Reasoning is priced apart from output here, so that its rate shows in the sums.
            vendor_costs: [
              {
                deployment: 'openai-us',
                model: 'o4-mini',
                input: '1.10',
                cached_input: '0.275',
                output: '4.40',
                reasoning: '5.00',
              },
            ],
            list_prices: [{ model: 'o4-mini', input: '2.00', cached_input: '0.50', output: '8.00', reasoning: '9.00' }],
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

const messages = [{ role: 'user' as const, content: 'How does a gateway bill cached and reasoning tokens?' }];

async function customer(): Promise<{ client: OpenAI; orgId: string }> {
  const { orgId, key } = await gw.newOrgKey();
  return { client: gw.client(key), orgId };
}

/** The organisation's ledger row: cost and price as the admin API reports them. */
async function ledgerOf(
  orgId: string,
): Promise<{ cost_micros: string; price_micros: string; list_price_micros: string }> {
  const [row] = (await gw.admin('GET', `/ledger?org_id=${orgId}`)).body.data;
  return row;
}

// Chat fixture: 1536 prompt tokens of which 1024 cached, 256 completion tokens of which 192 reasoning.
// Cost:  512 x 1.10 + 1024 x 0.275 + 64 x 4.40 + 192 x 5.00 = 2086.4 micro-USD -> 2086.
// Price: 512 x 2.00 + 1024 x 0.50  + 64 x 8.00 + 192 x 9.00 = 3776.
const CHAT_TOKENS = { prompt_tokens: 1536, cached_tokens: 1024, completion_tokens: 256, reasoning_tokens: 192 };
const CHAT_CHARGES = { cost_micros: 2086, list_price_micros: 3776, price_micros: 3776 };
const CHAT_TEXT =
  'A gateway meters every token it forwards: cached prompt tokens and reasoning tokens are billed at their own rates.';

describe('OpenAI chat completions', () => {
  it('a JSON reply keeps the vendor usage details, and the ledger prices cached and reasoning tokens at their rates', async () => {
    vendor.play({ file: 'openai/chat-completion.json' });
    const { client, orgId } = await customer();
    const reply = await client.chat.completions.create({ model: 'o4-mini', messages });
    expect(reply.model).toBe('o4-mini');
    expect(reply.choices[0]!.message.content).toBe(CHAT_TEXT);
    expect(reply.usage).toMatchObject({
      prompt_tokens: 1536,
      completion_tokens: 256,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 192 },
    });
    const sent = vendor.last();
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-test-openai');
    expect(sent.body.model).toBe('o4-mini-2025-04-16');
    const event = await finalUsageEvent(gw.store, orgId);
    expect(event).toMatchObject({ ...CHAT_TOKENS, ...CHAT_CHARGES, estimated: false });
    expect(await ledgerOf(orgId)).toMatchObject({ cost_micros: '2086', price_micros: '3776' });
  });

  it('a stream delivers every delta and its usage chunk with the details, billed as the JSON reply is', async () => {
    vendor.play({ file: 'openai/chat-completion-stream.sse' });
    const { client, orgId } = await customer();
    const stream = await client.chat.completions.create({
      model: 'o4-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const usage: OpenAI.CompletionUsage[] = [];
    const models = new Set<string>();
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage.push(chunk.usage);
      models.add(chunk.model);
    }
    expect(text).toBe(CHAT_TEXT);
    expect([...models]).toEqual(['o4-mini']);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 192 },
    });
    expect(vendor.last().body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ ...CHAT_TOKENS, ...CHAT_CHARGES, estimated: false });
  });

  it('a client that did not ask for usage gets no usage chunk, and is billed the same', async () => {
    vendor.play({ file: 'openai/chat-completion-stream.sse' });
    const { client, orgId } = await customer();
    const final = await client.chat.completions.stream({ model: 'o4-mini', messages }).finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(CHAT_TEXT);
    expect(final.choices[0]!.finish_reason).toBe('stop');
    // No chunk the client got carried usage (the vendor's say `usage: null`).
    expect(final.usage).toBeFalsy();
    // The gateway asked the vendor for usage all the same.
    expect(vendor.last().body.stream_options).toEqual({ include_usage: true });
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ ...CHAT_TOKENS, ...CHAT_CHARGES, estimated: false });
  });
});

// Responses fixture: 2048 input tokens of which 1536 cached, 320 output tokens of which 256 reasoning.
// Cost:  512 x 1.10 + 1536 x 0.275 + 64 x 4.40 + 256 x 5.00 = 2547.2 -> 2547.
// Price: 512 x 2.00 + 1536 x 0.50  + 64 x 8.00 + 256 x 9.00 = 4608.
const RESPONSES_TOKENS = { prompt_tokens: 2048, cached_tokens: 1536, completion_tokens: 320, reasoning_tokens: 256 };
const RESPONSES_CHARGES = { cost_micros: 2547, list_price_micros: 4608, price_micros: 4608 };
const RESPONSES_TEXT = fixtureJson('openai/responses.json').output[1].content[0].text as string;

describe('OpenAI Responses API', () => {
  it('a JSON reply reads input_tokens_details.cached_tokens and output_tokens_details.reasoning_tokens', async () => {
    vendor.play({ file: 'openai/responses.json' });
    const { client, orgId } = await customer();
    const reply = await client.responses.create({ model: 'o4-mini', input: 'How are cached tokens billed?' });
    expect(reply.output_text).toBe(RESPONSES_TEXT);
    expect(reply.model).toBe('o4-mini');
    expect(reply.usage).toMatchObject({
      input_tokens: 2048,
      input_tokens_details: { cached_tokens: 1536 },
      output_tokens_details: { reasoning_tokens: 256 },
    });
    expect(vendor.last().url).toBe('/v1/responses');
    expect(vendor.last().headers.authorization).toBe('Bearer sk-test-openai');
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({
      ...RESPONSES_TOKENS,
      ...RESPONSES_CHARGES,
      estimated: false,
      endpoint: 'responses',
    });
  });

  it('a stream delivers its text and response.completed with the usage, billed from that usage', async () => {
    vendor.play({ file: 'openai/responses-stream.sse' });
    const { client, orgId } = await customer();
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    const types: string[] = [];
    for await (const e of await client.responses.create({
      model: 'o4-mini',
      input: 'How are cached tokens billed?',
      stream: true,
    })) {
      types.push(e.type);
      if (e.type === 'response.output_text.delta') text += e.delta;
      if (e.type === 'response.completed') completed = e.response;
    }
    expect(text).toBe(RESPONSES_TEXT);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.output_item.added');
    expect(completed!.usage).toMatchObject({
      input_tokens_details: { cached_tokens: 1536 },
      output_tokens_details: { reasoning_tokens: 256 },
    });
    expect(completed!.model).toBe('o4-mini');
    expect(vendor.last().body.stream).toBe(true);
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({
      ...RESPONSES_TOKENS,
      ...RESPONSES_CHARGES,
      estimated: false,
    });
  });
});
