// An upstream whose usage report cannot be billed from (fractional, negative or absurd counts): the reply is billed
// from what it delivered, marked estimated, and the client reads the same figures; no event is lost. One whose
// choices a client would trip on is an invalid response (502), never a 200.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const TEXT = 'A gateway counts every token it delivers.';
let reported: unknown;
/** The whole JSON reply, when a test gives one. */
let replyText: string | undefined;
let upstream: Server;
let gw: TestGateway;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const base = { id: 'chatcmpl-odd', created: 1, model: 'gpt-4o' };
      if (replyText !== undefined)
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(replyText);
      if (!(JSON.parse(body) as { stream?: boolean }).stream)
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            ...base,
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }],
            usage: reported,
          }),
        );
      const chunk = (rest: object) =>
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', ...rest })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: TEXT }, finish_reason: null }] }) +
          chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
          chunk({ choices: [], usage: reported }) +
          'data: [DONE]\n\n',
      );
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'openai' }],
      providers: [
        {
          id: 'odd',
          vendor: 'openai',
          type: 'openai',
          region: 'us-east',
          base_url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`,
          models: [{ model: 'gpt-4o' }],
        },
      ],
      models: [{ name: 'gpt-4o', vendor: 'openai' }],
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2026-01-01',
            vendor_costs: [{ deployment: 'odd', input: '2.50', cached_input: '1.25', output: '10.00' }],
            list_prices: [{ model: 'gpt-4o', input: '3.00', output: '12.00' }],
          },
        ],
      },
      routing: { retry: { max_attempts: 1 } },
    },
  });
});
afterAll(async () => {
  await gw.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const messages = [{ role: 'user' as const, content: 'What does a gateway count?' }];

/** The organisation's one final usage event, once it landed. */
async function finalEvent(orgId: string) {
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const [event] = (await gw.store.usage.list(orgId, {})).filter((e) => e.interim === undefined);
    if (event) return event;
  }
  throw new Error(`no usage event for ${orgId}`);
}

const UNUSABLE = [
  { prompt_tokens: 10.5, completion_tokens: 3 },
  { prompt_tokens: -10, completion_tokens: 3 },
  { prompt_tokens: 1e300, completion_tokens: 3 },
  { prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 2.5 } },
  { prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: { cached_tokens: -5 } },
  { prompt_tokens: 10, completion_tokens: '3' },
];

describe('a usage report that cannot be billed from', () => {
  it.each(UNUSABLE)(
    'in a JSON reply (%j): billed as delivered, estimated, and the client reads the same',
    async (u) => {
      reported = u;
      const { orgId, key } = await gw.newOrgKey();
      const reply = await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages });
      expect(reply.choices[0]!.message.content).toBe(TEXT);
      const event = await finalEvent(orgId);
      expect(event).toMatchObject({ estimated: true, cached_tokens: 0 });
      expect(event.completion_tokens).toBeGreaterThan(3);
      expect(event.price_micros).toBeGreaterThan(0);
      expect(reply.usage).toMatchObject({
        prompt_tokens: event.prompt_tokens,
        completion_tokens: event.completion_tokens,
      });
    },
  );

  it('in a stream: the client gets one usage chunk, the estimate, and the reply is billed once', async () => {
    reported = { prompt_tokens: 10.5, completion_tokens: 3 };
    const { orgId, key } = await gw.newOrgKey();
    const stream = await gw.client(key).chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const usages: OpenAI.CompletionUsage[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usages.push(chunk.usage);
    }
    expect(text).toBe(TEXT);
    const event = await finalEvent(orgId);
    expect(event.estimated).toBe(true);
    expect(usages).toEqual([expect.objectContaining({ completion_tokens: event.completion_tokens })]);
    expect(await gw.store.usage.list(orgId, {})).toHaveLength(1);
  });
});

describe('a chat completion whose choices a client would trip on', () => {
  const usage = { prompt_tokens: 5, completion_tokens: 2 };
  it.each([
    { choices: [null], usage },
    { choices: [{ message: null }], usage },
    { choices: [{ message: { content: 42 } }], usage },
    { choices: [{ message: { content: 'ok', tool_calls: 'x' } }], usage },
    { choices: [{ message: { content: null, tool_calls: [{ function: { arguments: '{}' } }] } }], usage },
  ])('is an invalid response, billed nothing (%j)', async (reply) => {
    replyText = JSON.stringify(reply);
    try {
      const { orgId, key } = await gw.newOrgKey();
      const err = (await gw
        .client(key)
        .chat.completions.create({ model: 'gpt-4o', messages })
        .then(
          () => undefined,
          (e: unknown) => e,
        )) as InstanceType<typeof OpenAI.APIError>;
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect([err.status, err.code]).toEqual([502, 'upstream_invalid_response']);
      expect(await finalEvent(orgId)).toMatchObject({ status: 502, price_micros: 0 });
    } finally {
      replyText = undefined;
    }
  });
});
