// Issue 23, vendor fidelity: an `azure` deployment against Azure OpenAI's own reply shapes
// (test/fixtures/vendors/azure, see SOURCES.md there): deployment URLs with `api-version`, `api-key` auth, content
// filter annotations (`prompt_filter_results`, per-choice `content_filter_results`, annotation-only stream chunks),
// a completion cut by `finish_reason: "content_filter"`, and a prompt refused with a 400 `content_filter`.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { finalUsageEvent, startVendorReplay, type VendorReplay } from '../helpers/vendor-replay.ts';

const KEY_ENV = 'CONDUIT_TEST_AZURE_KEY';
const API_VERSION = '2025-04-01-preview';
let vendor: VendorReplay;
let gw: TestGateway;

beforeAll(async () => {
  process.env[KEY_ENV] = 'azure-test-key';
  vendor = await startVendorReplay();
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'eu-west', country: 'IE' }],
      vendors: [{ id: 'openai' }],
      providers: [
        {
          id: 'azure-eu',
          vendor: 'openai',
          type: 'azure',
          region: 'eu-west',
          base_url: vendor.url,
          api_key_env: KEY_ENV,
          api_version: API_VERSION,
          models: [{ model: 'gpt-4o', azure_deployment: 'gpt-4o-prod' }],
          timeouts: { connect_ms: 1000, first_byte_ms: 2000, idle_ms: 2000, total_ms: 5000 },
        },
      ],
      models: [{ name: 'gpt-4o', vendor: 'openai' }],
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2025-01-01',
            vendor_costs: [
              { deployment: 'azure-eu', model: 'gpt-4o', input: '2.50', cached_input: '1.25', output: '10.00' },
            ],
            list_prices: [{ model: 'gpt-4o', input: '3.00', cached_input: '1.50', output: '12.00' }],
          },
        ],
      },
      routing: { retry: { max_attempts: 2 } },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await vendor?.close();
  delete process.env[KEY_ENV];
});

const messages = [{ role: 'user' as const, content: 'What is color?' }];
type AzureChunk = OpenAI.Chat.ChatCompletionChunk & {
  prompt_filter_results?: unknown[];
  prompt_annotations?: unknown[];
};
type AzureChoice = {
  finish_reason: string | null;
  content_filter_results?: Record<string, { filtered: boolean; severity?: string }>;
};

async function customer(): Promise<{ client: OpenAI; orgId: string }> {
  const { orgId, key } = await gw.newOrgKey();
  return { client: gw.client(key), orgId };
}

/** Every chunk of a stream, as the SDK yields them. */
async function chunksOf(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>): Promise<AzureChunk[]> {
  const all: AzureChunk[] = [];
  for await (const chunk of stream) all.push(chunk);
  return all;
}
const textOf = (chunks: AzureChunk[]) => chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');

describe('Azure OpenAI chat completions', () => {
  it('go to the deployment URL with api-version and api-key, and pass the content filter results on', async () => {
    vendor.play({ file: 'azure/chat-completion.json' });
    const { client, orgId } = await customer();
    const reply = await client.chat.completions.create({ model: 'gpt-4o', messages });
    const sent = vendor.last();
    expect(sent.url).toBe(`/openai/deployments/gpt-4o-prod/chat/completions?api-version=${API_VERSION}`);
    expect(sent.headers['api-key']).toBe('azure-test-key');
    expect(sent.headers.authorization).toBeUndefined();
    expect(reply.model).toBe('gpt-4o');
    expect(reply.choices[0]!.message.content).toBe(
      'Color is the way our eyes and brain interpret different wavelengths of light.',
    );
    const raw = reply as unknown as { prompt_filter_results: Array<{ prompt_index: number }>; choices: AzureChoice[] };
    expect(raw.prompt_filter_results[0]!.prompt_index).toBe(0);
    expect(raw.choices[0]!.content_filter_results!.violence).toEqual({ filtered: false, severity: 'safe' });
    // 1280 prompt tokens, 1152 cached; 17 completion tokens.
    // Cost:  128 x 2.50 + 1152 x 1.25 + 17 x 10.00 = 1930.   Price: 128 x 3.00 + 1152 x 1.50 + 17 x 12.00 = 2316.
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({
      prompt_tokens: 1280,
      cached_tokens: 1152,
      completion_tokens: 17,
      cost_micros: 1930,
      price_micros: 2316,
    });
  });

  it('stream annotation-only chunks (no id, no delta) through, and bill from the usage chunk', async () => {
    vendor.play({ file: 'azure/chat-completion-stream.sse' });
    const { client, orgId } = await customer();
    const chunks = await chunksOf(
      await client.chat.completions.create({
        model: 'gpt-4o',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(textOf(chunks)).toBe('Color is a property of light.');
    expect(chunks[0]!.prompt_annotations).toHaveLength(1);
    const annotations = chunks.filter((c) => (c.choices[0] as AzureChoice | undefined)?.content_filter_results);
    expect(annotations).toHaveLength(2);
    expect(chunks.every((c) => c.model === 'gpt-4o')).toBe(true);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.filter((c) => c.usage)).toHaveLength(1);
    expect(vendor.last().url).toBe(`/openai/deployments/gpt-4o-prod/chat/completions?api-version=${API_VERSION}`);
    // Cost: 128 x 2.50 + 1152 x 1.25 + 8 x 10.00 = 1840.
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({
      prompt_tokens: 1280,
      cached_tokens: 1152,
      completion_tokens: 8,
      cost_micros: 1840,
      estimated: false,
    });
  });

  it('a completion the filter cut ends with finish_reason content_filter, streamed or not, and is still billed', async () => {
    vendor.play({ file: 'azure/chat-completion-stream-filtered.sse' });
    const streamed = await customer();
    const chunks = await chunksOf(
      await streamed.client.chat.completions.create({ model: 'gpt-4o', messages, stream: true }),
    );
    expect(textOf(chunks)).toBe('Hey Jude, better');
    const last = chunks.findLast((c) => c.choices.length > 0)!;
    expect(last.choices[0]!.finish_reason).toBe('content_filter');
    expect((last.choices[0] as AzureChoice).content_filter_results).toEqual({
      protected_material_text: { detected: true, filtered: true },
    });
    expect(await finalUsageEvent(gw.store, streamed.orgId)).toMatchObject({
      prompt_tokens: 19,
      completion_tokens: 4,
      estimated: false,
    });

    vendor.play({ file: 'azure/chat-completion-filtered.json' });
    const json = await customer();
    const reply = await json.client.chat.completions.create({ model: 'gpt-4o', messages });
    expect(reply.choices[0]!.finish_reason).toBe('content_filter');
    expect(reply.choices[0]!.message.content).toBeNull();
    expect(await finalUsageEvent(gw.store, json.orgId)).toMatchObject({
      prompt_tokens: 26,
      completion_tokens: 31,
      estimated: false,
    });
  });

  it('a prompt the filter refused (400 content_filter) is a clear 400 naming the field and the category, never retried', async () => {
    const before = vendor.requests.length;
    vendor.play({ file: 'azure/error-content-filter.json', status: 400 });
    const { client } = await customer();
    const err = (await client.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('content_filter');
    expect(err.param).toBe('messages');
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toMatch(/content filter/i);
    expect(err.message).toMatch(/violence \(medium\)/);
    expect(vendor.requests.length - before).toBe(1);
  });
});

describe('Azure OpenAI Responses API', () => {
  it('is served at /openai/responses with api-version, the deployment named as the model', async () => {
    vendor.play({ file: 'azure/responses.json' });
    const { client, orgId } = await customer();
    const reply = await client.responses.create({ model: 'gpt-4o', input: 'This is a test.' });
    expect(reply.output_text).toBe('Great! How can I help you today?');
    const sent = vendor.last();
    expect(sent.url).toBe(`/openai/responses?api-version=${API_VERSION}`);
    expect(sent.headers['api-key']).toBe('azure-test-key');
    expect(sent.body.model).toBe('gpt-4o-prod');
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 11,
      estimated: false,
      endpoint: 'responses',
    });
  });

  it('streams from the same endpoint (Azure sends the Responses API events OpenAI documents)', async () => {
    vendor.play({ file: 'openai/responses-stream.sse' });
    const { client, orgId } = await customer();
    let completed = false;
    for await (const e of await client.responses.create({ model: 'gpt-4o', input: 'This is a test.', stream: true }))
      if (e.type === 'response.completed') completed = true;
    expect(completed).toBe(true);
    expect(vendor.last().url).toBe(`/openai/responses?api-version=${API_VERSION}`);
    expect(vendor.last().body).toMatchObject({ model: 'gpt-4o-prod', stream: true });
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({
      prompt_tokens: 2048,
      cached_tokens: 1536,
      estimated: false,
    });
  });

  it('a prompt the filter refused is a 400 content_filter naming input', async () => {
    vendor.play({ file: 'azure/error-content-filter.json', status: 400 });
    const { client } = await customer();
    const err = (await client.responses
      .create({ model: 'gpt-4o', input: 'This is a test.' })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(400);
    expect(err.code).toBe('content_filter');
    expect(err.param).toBe('input');
  });
});
