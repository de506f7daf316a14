// An upstream whose usage report cannot be billed from (fractional, negative or absurd counts): the reply is billed
// from what it delivered, marked estimated, and the client reads the same figures; no event is lost. One whose
// choices, chunks or (from Anthropic) blocks and events a client would trip on is an invalid response (a 502, or an
// error event once a stream has begun), never passed on.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { startLocalUpstream, type LocalUpstream } from '../helpers/local-upstream.ts';
import { finalUsageEvent } from '../helpers/vendor-replay.ts';

const TEXT = 'A gateway counts every token it delivers.';
let reported: unknown;
/** The whole JSON reply, when a test gives one. */
let replyText: string | undefined;
/** A stream's events' data, when a test gives them. */
let streamed: string[] | undefined;
let upstream: LocalUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startLocalUpstream(({ body }, res) => {
    const base = { id: 'chatcmpl-odd', created: 1, model: 'gpt-4o' };
    if (replyText !== undefined) return void res.writeHead(200, { 'content-type': 'application/json' }).end(replyText);
    if (streamed !== undefined) {
      // Each event in a read of its own, as a vendor streams them.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const events = [...streamed];
      const next = () => {
        const data = events.shift();
        if (data === undefined) return void res.end();
        res.write(`data: ${data}\n\n`);
        setTimeout(next, 20);
      };
      return next();
    }
    if (!body.stream)
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
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'openai' }, { id: 'anthropic' }],
      providers: [
        {
          id: 'odd-anthropic',
          vendor: 'anthropic',
          type: 'anthropic',
          region: 'us-east',
          base_url: upstream.url,
          api_key_env: 'PATH',
          models: [{ model: 'claude-sonnet-4' }],
        },
        {
          id: 'odd',
          vendor: 'openai',
          type: 'openai',
          region: 'us-east',
          base_url: upstream.url,
          models: [{ model: 'gpt-4o' }, { model: 'text-embedding-3-small' }],
        },
      ],
      models: [
        { name: 'gpt-4o', vendor: 'openai' },
        { name: 'claude-sonnet-4', vendor: 'anthropic' },
        { name: 'text-embedding-3-small', vendor: 'openai', kind: 'embedding' },
      ],
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2026-01-01',
            vendor_costs: [
              { deployment: 'odd', input: '2.50', cached_input: '1.25', output: '10.00' },
              { deployment: 'odd-anthropic', input: '3.00', output: '15.00' },
            ],
            list_prices: [
              { model: 'gpt-4o', input: '3.00', output: '12.00' },
              { model: 'claude-sonnet-4', input: '3.60', output: '18.00' },
              { model: 'text-embedding-3-small', input: '0.03', output: '0' },
            ],
          },
        ],
      },
      routing: { retry: { max_attempts: 1 } },
    },
  });
});
// A test's own reply goes with it: the next gets the upstream's usual one.
afterEach(() => {
  replyText = undefined;
  streamed = undefined;
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const messages = [{ role: 'user' as const, content: 'What does a gateway count?' }];

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
      const event = await finalUsageEvent(gw.store, orgId);
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
    const event = await finalUsageEvent(gw.store, orgId);
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
    const { orgId, key } = await gw.newOrgKey();
    const err = await failure(gw.client(key).chat.completions.create({ model: 'gpt-4o', messages }));
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect([err.status, err.code]).toEqual([502, 'upstream_invalid_response']);
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ status: 502, price_micros: 0 });
  });
});

/** The error a request ends in, from the OpenAI SDK. */
async function failure(request: Promise<unknown>) {
  return (await request.then(
    () => undefined,
    (e: unknown) => e,
  )) as InstanceType<typeof OpenAI.APIError>;
}

describe('a stream event a client would trip on', () => {
  const chunk = (rest: object) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, ...rest });
  const ok = chunk({ choices: [{ index: 0, delta: { content: TEXT }, finish_reason: null }] });
  it.each([
    ['a choice that is null', chunk({ choices: [null] })],
    ['content that is a number', chunk({ choices: [{ index: 0, delta: { content: 42 } }] })],
    ['choices that are no list', chunk({ choices: 'x' })],
    ['a chunk that is null', 'null'],
    ['a chunk that is a list', '[1,2]'],
  ])('first (%s): a 502 before any byte, billed nothing', async (_, bad) => {
    streamed = [bad, ok, '[DONE]'];
    const { orgId, key } = await gw.newOrgKey();
    const err = await failure(
      (async () => {
        for await (const _ of await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages, stream: true }))
          void _;
      })(),
    );
    expect([err.status, err.code]).toEqual([502, 'upstream_invalid_response']);
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ status: 502, price_micros: 0 });
  });

  it('later: what came is delivered and billed, then an error', async () => {
    streamed = [ok, chunk({ choices: [null] }), '[DONE]'];
    const { orgId, key } = await gw.newOrgKey();
    let text = '';
    const err = await failure(
      (async () => {
        for await (const c of await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages, stream: true }))
          text += c.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text).toBe(TEXT);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toMatch(/invalid response/);
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ estimated: true });
  });
});

describe('an Anthropic reply or event in another shape than its API states', () => {
  it.each([
    ['a content block that is null', { json: JSON.stringify({ type: 'message', id: 'msg_1', content: [null] }) }],
    ['a message_start without its message', { events: [JSON.stringify({ type: 'message_start', message: null })] }],
  ])('%s: an invalid response, billed nothing', async (_, reply: { json?: string; events?: string[] }) => {
    replyText = reply.json;
    streamed = reply.events;
    const { orgId, key } = await gw.newOrgKey();
    const err = await failure(
      (async () => {
        const stream = reply.events !== undefined;
        const request = { model: 'claude-sonnet-4', messages, stream };
        const answer = await gw.client(key).chat.completions.create(request);
        if (stream) for await (const _ of answer as AsyncIterable<unknown>) void _;
      })(),
    );
    expect([err.status, err.code]).toEqual([502, 'upstream_invalid_response']);
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ status: 502, price_micros: 0 });
  });
});

describe('a Responses API or embeddings reply a client would trip on', () => {
  const usage = { input_tokens: 5, output_tokens: 2 };
  const response = (output: unknown[]) => ({ id: 'resp_odd', object: 'response', output, usage });
  it.each([
    ['an output item that is null', { json: response([null]) }],
    ['message content that is no list', { json: response([{ type: 'message', content: 5 }]) }],
    ['a completed event without its response', { events: [{ type: 'response.completed', response: null }] }],
    ['a text delta that is no text', { events: [{ type: 'response.output_text.delta', delta: 5 }] }],
  ])('Responses, %s: an invalid response, billed nothing', async (_, reply: { json?: object; events?: object[] }) => {
    replyText = reply.json && JSON.stringify(reply.json);
    streamed = reply.events?.map((e) => JSON.stringify(e));
    const { orgId, key } = await gw.newOrgKey();
    const stream = reply.events !== undefined;
    const err = await failure(
      (async () => {
        const answer = await gw.client(key).responses.create({ model: 'gpt-4o', input: 'What is counted?', stream });
        if (stream) for await (const _ of answer as AsyncIterable<unknown>) void _;
      })(),
    );
    expect([err.status, err.code]).toEqual([502, 'upstream_invalid_response']);
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ status: 502, price_micros: 0 });
  });

  it('embeddings whose data holds no vector: an invalid response, billed nothing', async () => {
    replyText = JSON.stringify({ object: 'list', data: [null], usage: { prompt_tokens: 1, total_tokens: 1 } });
    const { orgId, key } = await gw.newOrgKey();
    const err = await failure(gw.client(key).embeddings.create({ model: 'text-embedding-3-small', input: 'x' }));
    expect([err.status, err.code]).toEqual([502, 'upstream_invalid_response']);
    expect(await finalUsageEvent(gw.store, orgId)).toMatchObject({ status: 502, price_micros: 0 });
  });
});
