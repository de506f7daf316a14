// Issue 22: an OpenAI-compatible upstream that reports no usage (a third-party mock, some self-hosted servers)
// must not be under-billed. Whatever was delivered, JSON or stream, chat, Responses API, embeddings or the
// Anthropic surface, is estimated by our tokenizer, billed alike, marked estimated, and reported to the client.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTextTokens } from '../../src/metering/delivered-tokens.ts';
import type { UsageEvent } from '../../src/store/ports.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { startLocalUpstream, type LocalUpstream } from '../helpers/local-upstream.ts';

const REPLY = 'Gateways forward each request upstream and meter every token that reaches the customer.';
const PIECES = REPLY.split(/(?<= )/);

const sse = (data: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const chatChunk = (delta: object, finish: string | null = null) => ({
  id: 'chatcmpl-mock',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

function responseObject(status: string, text: string | null): object {
  const output =
    text === null
      ? []
      : [
          {
            type: 'message',
            id: 'msg_mock',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text, annotations: [] }],
          },
        ];
  return {
    id: 'resp_mock',
    object: 'response',
    created_at: 1,
    status,
    model: 'gpt-4o',
    output,
    usage: null,
    error: null,
    incomplete_details: null,
  };
}

const LATE_DONE = 'Send [DONE] on its own.';

/**
 * Chat completions, Responses API and embeddings, JSON and SSE, none of them with a `usage` field. A stream is
 * written in one piece, so that its end arrives with its text, or with `late` held back (a read of its own).
 */
function answer(path: string, body: Record<string, unknown>): { json?: unknown; events?: string[]; late?: string } {
  if (path === '/v1/chat/completions') {
    if (!body.stream)
      return {
        json: {
          id: 'chatcmpl-mock',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o',
          choices: [{ index: 0, message: { role: 'assistant', content: REPLY }, finish_reason: 'stop' }],
        },
      };
    const events = [
      sse(chatChunk({ role: 'assistant', content: '' })),
      ...PIECES.map((p) => sse(chatChunk({ content: p }))),
      sse(chatChunk({}, 'stop')),
    ];
    return JSON.stringify(body.messages).includes(LATE_DONE)
      ? { events, late: sse('[DONE]') }
      : { events: [...events, sse('[DONE]')] };
  }
  if (path === '/v1/responses') {
    if (!body.stream) return { json: responseObject('completed', REPLY) };
    const item = { item_id: 'msg_mock', output_index: 0, content_index: 0 };
    const events: Array<Record<string, unknown>> = [
      { type: 'response.created', response: responseObject('in_progress', null) },
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { type: 'message', id: 'msg_mock', status: 'in_progress', role: 'assistant', content: [] },
      },
      { type: 'response.content_part.added', ...item, part: { type: 'output_text', text: '', annotations: [] } },
      ...PIECES.map((delta) => ({ type: 'response.output_text.delta', ...item, delta, logprobs: [] })),
      { type: 'response.output_text.done', ...item, text: REPLY, logprobs: [] },
      { type: 'response.content_part.done', ...item, part: { type: 'output_text', text: REPLY, annotations: [] } },
      { type: 'response.completed', response: responseObject('completed', REPLY) },
    ];
    return { events: events.map((e, i) => sse({ ...e, sequence_number: i }, e.type as string)) };
  }
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = [0.25, -0.5, 0.125];
  const embedding =
    body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
  return {
    json: {
      object: 'list',
      model: 'text-embedding-3-small',
      data: inputs.map((_, index) => ({ object: 'embedding', index, embedding })),
    },
  };
}

let upstream: LocalUpstream;
let gw: TestGateway;
beforeAll(async () => {
  upstream = await startLocalUpstream(({ path, body }, res) => {
    const reply = answer(path, body);
    if (reply.json)
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(reply.events!.join(''));
    if (reply.late === undefined) return void res.end();
    setTimeout(() => res.end(reply.late), 30);
  });
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'openai' }],
      providers: [
        {
          id: 'usageless',
          vendor: 'openai',
          type: 'openai',
          region: 'us-east',
          base_url: upstream.url,
          models: [{ model: 'gpt-4o' }, { model: 'text-embedding-3-small' }],
          timeouts: { connect_ms: 1000, first_byte_ms: 1500, idle_ms: 1000, total_ms: 5000 },
        },
      ],
      models: [
        { name: 'gpt-4o', vendor: 'openai' },
        { name: 'text-embedding-3-small', vendor: 'openai', kind: 'embedding' },
      ],
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2026-01-01',
            vendor_costs: [
              { deployment: 'usageless', model: 'gpt-4o', input: '2.50', output: '10.00' },
              { deployment: 'usageless', model: 'text-embedding-3-small', input: '0.02', output: '0' },
            ],
            list_prices: [
              { model: 'gpt-4o', input: '3.00', output: '12.00' },
              { model: 'text-embedding-3-small', input: '0.03', output: '0' },
            ],
          },
        ],
      },
      routing: { retry: { max_attempts: 1 } },
    },
  });
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const messages = [{ role: 'user' as const, content: 'What does a gateway do with tokens?' }];

/** Runs one request for a fresh organisation; returns its usage event (it lands after delivery) and the reply. */
async function billed<T>(
  run: (client: OpenAI, key: string) => Promise<T>,
): Promise<{ reply: T; event: UsageEvent; orgId: string }> {
  const { orgId, key } = await gw.newOrgKey();
  const reply = await run(gw.client(key), key);
  let [event] = await gw.store.usage.list(orgId, {});
  for (let i = 0; i < 50 && !event; i++) {
    await new Promise((r) => setTimeout(r, 20));
    [event] = await gw.store.usage.list(orgId, {});
  }
  return { reply, event: event!, orgId };
}

let replyTokens: number;
beforeAll(async () => {
  replyTokens = await countTextTokens(REPLY);
});

const asAnthropic = (key: string) => new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
const INPUT = 'What does a gateway do with tokens?';

describe('JSON replies from an upstream that reports no usage', () => {
  it('a chat reply is billed and reports the estimate of what it delivered, marked estimated', async () => {
    const { reply, event } = await billed((c) => c.chat.completions.create({ model: 'gpt-4o', messages }));
    expect(reply.choices[0]!.message.content).toBe(REPLY);
    expect(event.estimated).toBe(true);
    expect(event.completion_tokens).toBe(replyTokens);
    expect(event.prompt_tokens).toBeGreaterThan(0);
    expect(reply.usage).toEqual({
      prompt_tokens: event.prompt_tokens,
      completion_tokens: replyTokens,
      total_tokens: event.prompt_tokens + replyTokens,
    });
  });

  it('an Anthropic Messages reply reports what it delivered, never zero tokens', async () => {
    const { reply, event } = await billed((_c, key) =>
      asAnthropic(key).messages.create({ model: 'gpt-4o', max_tokens: 100, messages }),
    );
    expect(reply.content).toEqual([{ type: 'text', text: REPLY }]);
    expect(event.estimated).toBe(true);
    expect(event.completion_tokens).toBe(replyTokens);
    expect(reply.usage).toMatchObject({ input_tokens: event.prompt_tokens, output_tokens: replyTokens });
    expect(reply.usage.input_tokens).toBeGreaterThan(0);
  });

  it('a Responses API reply carries and bills the estimate', async () => {
    const { reply, event } = await billed((c) => c.responses.create({ model: 'gpt-4o', input: INPUT }));
    expect(reply.output_text).toBe(REPLY);
    expect(event.estimated).toBe(true);
    expect(event.completion_tokens).toBe(replyTokens);
    expect(reply.usage).toMatchObject({
      input_tokens: event.prompt_tokens,
      output_tokens: replyTokens,
      total_tokens: event.prompt_tokens + replyTokens,
    });
  });

  it('embeddings report and bill the estimate of their input', async () => {
    const { reply, event } = await billed((c) =>
      c.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'] }),
    );
    expect(reply.data).toHaveLength(2);
    expect(event.estimated).toBe(true);
    expect(event.prompt_tokens).toBeGreaterThan(0);
    expect(reply.usage).toEqual({ prompt_tokens: event.prompt_tokens, total_tokens: event.prompt_tokens });
  });
});

async function collect(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
): Promise<{ text: string; usage: OpenAI.CompletionUsage[] }> {
  let text = '';
  const usage: OpenAI.CompletionUsage[] = [];
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) usage.push(chunk.usage);
  }
  return { text, usage };
}

describe('streams from an upstream that reports no usage', () => {
  for (const end of ['with its text', 'in a read of its own']) {
    it(`a client that asked for usage gets a usage chunk carrying the estimate (the stream's end ${end})`, async () => {
      const asked = end === 'with its text' ? messages : [{ role: 'user' as const, content: LATE_DONE }];
      const { reply, event } = await billed(async (c) =>
        collect(
          await c.chat.completions.create({
            model: 'gpt-4o',
            messages: asked,
            stream: true,
            stream_options: { include_usage: true },
          }),
        ),
      );
      expect(reply.text).toBe(REPLY);
      expect(event.estimated).toBe(true);
      expect(event.completion_tokens).toBe(replyTokens);
      expect(reply.usage).toEqual([
        {
          prompt_tokens: event.prompt_tokens,
          completion_tokens: replyTokens,
          total_tokens: event.prompt_tokens + replyTokens,
        },
      ]);
    });
  }

  it('JSON and streamed replies of the same prompt are billed alike, by the usage endpoint', async () => {
    const json = await billed((c) => c.chat.completions.create({ model: 'gpt-4o', messages }));
    const streamed = await billed(async (c) =>
      collect(await c.chat.completions.create({ model: 'gpt-4o', messages, stream: true })),
    );
    const totals = await Promise.all(
      [json, streamed].map(async (r) => (await gw.admin('GET', `/orgs/${r.orgId}/usage`)).body),
    );
    for (const t of totals) expect(t).toMatchObject({ requests: 1, completion_tokens: replyTokens });
    // The client that did not ask for a usage chunk gets none, estimate or not.
    expect(streamed.reply.usage).toEqual([]);
    expect(totals[0].prompt_tokens).toBe(totals[1].prompt_tokens);
    expect(json.event.estimated && streamed.event.estimated).toBe(true);
    expect(json.event.price_micros).toBeGreaterThan(0);
    expect(json.event.price_micros).toBe(streamed.event.price_micros);
    expect(json.event.cost_micros).toBe(streamed.event.cost_micros);
  });

  it('an Anthropic Messages stream reports what it delivered, never zero tokens', async () => {
    const json = await billed((_c, key) =>
      asAnthropic(key).messages.create({ model: 'gpt-4o', max_tokens: 100, messages }),
    );
    const { reply, event } = await billed((_c, key) =>
      asAnthropic(key).messages.stream({ model: 'gpt-4o', max_tokens: 100, messages }).finalMessage(),
    );
    expect(reply.content).toEqual([{ type: 'text', text: REPLY }]);
    expect(event.estimated).toBe(true);
    expect(event.completion_tokens).toBe(replyTokens);
    expect(reply.usage).toMatchObject({ input_tokens: event.prompt_tokens, output_tokens: replyTokens });
    expect(reply.usage).toMatchObject({
      input_tokens: json.reply.usage.input_tokens,
      output_tokens: json.reply.usage.output_tokens,
    });
  });

  it('a Responses API stream carries the estimate on response.completed and bills it', async () => {
    const json = await billed((c) => c.responses.create({ model: 'gpt-4o', input: INPUT }));
    const { reply, event } = await billed(async (c) => {
      let text = '';
      let usage: OpenAI.Responses.ResponseUsage | undefined;
      for await (const e of await c.responses.create({ model: 'gpt-4o', input: INPUT, stream: true })) {
        if (e.type === 'response.output_text.delta') text += e.delta;
        if (e.type === 'response.completed') usage = e.response.usage;
      }
      return { text, usage };
    });
    expect(reply.text).toBe(REPLY);
    expect(event.estimated).toBe(true);
    expect(event.completion_tokens).toBe(replyTokens);
    expect(reply.usage).toMatchObject({
      input_tokens: event.prompt_tokens,
      output_tokens: replyTokens,
      total_tokens: event.prompt_tokens + replyTokens,
    });
    expect(event.prompt_tokens).toBe(json.event.prompt_tokens);
  });
});
