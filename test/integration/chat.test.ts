// The data plane through the official openai SDK, against the embedded demo (in-process simulator).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
let key: string;

beforeAll(async () => {
  gw = await startTestGateway();
  // Outside the EU: the demo marks EU organisations' outputs (Article 50), and these tests read the vendor's text.
  key = (await gw.newOrgKey({ country: 'US' })).key;
});
afterAll(() => gw.close());

const messages = [{ role: 'user' as const, content: 'Explain the CAP theorem briefly.' }];

describe('chat completions', () => {
  it('answers non-streaming requests with usage and a request id', async () => {
    const { data, response } = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages })
      .withResponse();
    expect(data.choices[0]!.message.content).toMatch(/^\[simulated\]/);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('streams chunk by chunk, with the usage chunk only when asked for', async () => {
    const client = gw.client(key);
    const withUsage = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of withUsage) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(5);
    const usageChunk = chunks.at(-2)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage!.completion_tokens).toBeGreaterThan(0);
    // The last chunk before [DONE] carries the signed provenance manifest.
    expect(
      (chunks.at(-1) as unknown as { provenance: { manifest: string } }).provenance.manifest.split('.'),
    ).toHaveLength(3);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toMatch(/^\[simulated\]/);

    const without = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    const plain = [];
    for await (const chunk of without) plain.push(chunk);
    expect(plain.every((c) => !c.usage)).toBe(true);
    expect(plain.filter((c) => c.choices.length > 0).at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('records usage for streams even when the client did not ask for it', async () => {
    const { orgId, key: k } = await gw.newOrgKey({ name: 'Stream Co', country: 'US' });
    const stream = await gw.client(k).chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    // The simulator streams one token per content chunk.
    let contentChunks = 0;
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) contentChunks++;
    const usage = await gw.admin('GET', `/orgs/${orgId}/usage`);
    expect(usage.body.requests).toBe(1);
    expect(usage.body.completion_tokens).toBe(contentChunks);
    expect(usage.body.prompt_tokens).toBeGreaterThan(0);
  });

  it('passes tool calls through, streamed and not', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const client = gw.client(key);
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toHaveProperty('city');

    const stream = client.chat.completions.stream({ model: 'gpt-4o', messages, tools });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]!;
    expect(streamed.type === 'function' && streamed.function.name).toBe('get_weather');
    expect(streamed.type === 'function' && JSON.parse(streamed.function.arguments)).toHaveProperty('city');
  });

  it('passes n, response_format and logprobs through', async () => {
    const client = gw.client(key);
    const res = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      n: 3,
      logprobs: true,
      response_format: { type: 'json_object' },
    });
    expect(res.choices).toHaveLength(3);
    expect(JSON.parse(res.choices[0]!.message.content!)).toHaveProperty('simulated', true);
    expect(res.choices[0]!.logprobs!.content!.length).toBeGreaterThan(0);
  });

  it('resolves aliases', async () => {
    const res = await gw.client(key).chat.completions.create({ model: 'deepseek-v3', messages });
    expect(res.choices[0]!.message.content).toBeTruthy();
  });
});

describe('embeddings and models', () => {
  it('returns embeddings in the SDK default (base64) and as floats', async () => {
    const client = gw.client(key);
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0]!.embedding).toHaveLength(256);
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'alpha',
      encoding_format: 'float',
      dimensions: 64,
    });
    expect(floats.data[0]!.embedding).toHaveLength(64);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("lists and retrieves models in OpenAI's shape", async () => {
    const client = gw.client(key);
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o');
    expect(ids).toContain('text-embedding-3-small');
    const model = await client.models.retrieve('claude-sonnet-4');
    expect(model.owned_by).toBe('anthropic');
  });
});
