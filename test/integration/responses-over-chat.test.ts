// Issue 23: the Responses API over a deployment that speaks only Chat Completions (an OpenAI-compatible server
// without /v1/responses, declared `capabilities: {responses: false}`). The gateway translates the request to chat
// and the reply back, JSON and streamed, tools included; usage, provenance and the catalogue's model name are as on
// any other path. The upstream here is a plain node:http server that serves /v1/chat/completions and nothing else.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResponseFunctionToolCall, ResponseStreamEvent, Tool } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const REPLY = 'Chat-only servers answer Responses requests through the gateway.';
const PIECES = REPLY.split(/(?<= )/);
const ARGS = '{"city":"Paris","unit":"c"}';
const USAGE = {
  prompt_tokens: 37,
  completion_tokens: 11,
  total_tokens: 48,
  prompt_tokens_details: { cached_tokens: 5 },
};
const tools: Tool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Weather in a city',
    strict: true,
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string' } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
];

type Body = Record<string, any>;
const received: Array<{ path: string; body: Body }> = [];
const sse = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const chunk = (delta: object, finish: string | null = null) => ({
  id: 'chatcmpl-same',
  object: 'chat.completion.chunk',
  created: 1700000000,
  model: 'vendor-llm-7b',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

/** Calls the tool while tools are offered (and not refused) and no tool answered yet; else answers in text. */
function wantsTool(body: Body): boolean {
  return Array.isArray(body.tools) && body.tool_choice !== 'none' && body.messages.at(-1)?.role !== 'tool';
}

function chatReply(body: Body): { json?: unknown; events?: string[] } {
  const tool = wantsTool(body);
  if (!body.stream) {
    const message = tool
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_up1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }],
        }
      : { role: 'assistant', content: REPLY };
    return {
      json: {
        id: 'chatcmpl-same',
        object: 'chat.completion',
        created: 1700000000,
        model: 'vendor-llm-7b',
        choices: [{ index: 0, message, finish_reason: tool ? 'tool_calls' : 'stop' }],
        usage: USAGE,
      },
    };
  }
  const events = [sse(chunk({ role: 'assistant', content: tool ? null : '' }))];
  if (tool) {
    events.push(
      sse(
        chunk({
          tool_calls: [
            { index: 0, id: 'call_up1', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        }),
      ),
    );
    for (const part of [ARGS.slice(0, 10), ARGS.slice(10)])
      events.push(sse(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] })));
  } else {
    for (const piece of PIECES) events.push(sse(chunk({ content: piece })));
  }
  events.push(sse(chunk({}, tool ? 'tool_calls' : 'stop')));
  if (body.stream_options?.include_usage) events.push(sse({ ...chunk({}), choices: [], usage: USAGE }));
  events.push(sse('[DONE]'));
  return { events };
}

let upstream: Server;
let gw: TestGateway;
beforeAll(async () => {
  upstream = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () => {
      const body = JSON.parse(text || '{}') as Body;
      received.push({ path: req.url ?? '', body });
      if (req.url !== '/v1/chat/completions') {
        return void res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `no route ${req.url}`, type: 'invalid_request_error' } }));
      }
      const reply = chatReply(body);
      if (reply.json)
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // A few reads, as a real server's stream arrives.
      const events = reply.events!;
      res.write(events.slice(0, 3).join(''));
      setTimeout(() => res.end(events.slice(3).join('')), 5);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'acme' }],
      providers: [
        {
          id: 'chat-only',
          vendor: 'acme',
          type: 'openai',
          region: 'us-east',
          base_url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`,
          capabilities: { responses: false },
          models: [{ model: 'house-model', upstream: 'vendor-llm-7b' }],
          timeouts: { connect_ms: 1000, first_byte_ms: 2000, idle_ms: 2000, total_ms: 5000 },
        },
      ],
      models: [{ name: 'house-model', vendor: 'acme' }],
    },
  });
});
afterAll(async () => {
  await gw.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const lastSent = () => received.at(-1)!;
const calls = (output: Array<{ type: string }>) =>
  output.filter((o): o is ResponseFunctionToolCall => o.type === 'function_call');

describe('POST /v1/responses on a chat-only deployment', () => {
  it('is sent as a chat completion and answered as a response, with usage, provenance and the catalogue name', async () => {
    const { orgId, key } = await gw.newOrgKey({ country: 'US' });
    const raw = await gw
      .client(key)
      .responses.create({
        model: 'house-model',
        input: 'Hello',
        instructions: 'Be brief.',
        max_output_tokens: 64,
        temperature: 0.2,
      })
      .withResponse();
    const res = raw.data;
    expect(lastSent()).toMatchObject({
      path: '/v1/chat/completions',
      body: {
        model: 'vendor-llm-7b',
        max_tokens: 64,
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
        ],
      },
    });
    expect(lastSent().body).not.toHaveProperty('input');
    expect(res).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'house-model',
      instructions: 'Be brief.',
      max_output_tokens: 64,
    });
    expect(res.id).toMatch(/^resp_/);
    expect(res.output_text).toBe(REPLY);
    expect(res.usage).toMatchObject({
      input_tokens: 37,
      output_tokens: 11,
      total_tokens: 48,
      input_tokens_details: { cached_tokens: 5 },
    });
    expect(raw.response.headers.get('x-ai-generated')).toBe('true');
    expect(raw.response.headers.get('x-conduit-deployment')).toBe('chat-only');
    const provenance = (res as unknown as { provenance: { manifest: string; content_sha256: string } }).provenance;
    expect(provenance.manifest.split('.')).toHaveLength(3);
    expect(provenance.content_sha256).toBe(createHash('sha256').update(REPLY).digest('base64url'));
    const usage = await gw.admin('GET', `/orgs/${orgId}/usage`);
    expect(usage.body).toMatchObject({ requests: 1, prompt_tokens: 37, completion_tokens: 11 });
  });

  it('streams the chat chunks as Responses events the SDK assembles, ending in response.completed', async () => {
    const { orgId, key } = await gw.newOrgKey({ country: 'US' });
    const stream = gw.client(key).responses.stream({
      model: 'house-model',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Stream please' }] }],
    });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const final = await stream.finalResponse();
    expect(lastSent().body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream please' }],
    });
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...PIECES.map(() => 'response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const text = events.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');
    expect(text).toBe(REPLY);
    expect(final.output_text).toBe(REPLY);
    const completed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>;
    expect(completed.response.model).toBe('house-model');
    expect((events[0] as Extract<ResponseStreamEvent, { type: 'response.created' }>).response.model).toBe(
      'house-model',
    );
    expect(completed.response.usage).toMatchObject({ input_tokens: 37, output_tokens: 11 });
    const provenance = (completed.response as unknown as { provenance: { content_sha256: string } }).provenance;
    expect(provenance.content_sha256).toBe(createHash('sha256').update(REPLY).digest('base64url'));
    const usage = await gw.admin('GET', `/orgs/${orgId}/usage`);
    expect(usage.body).toMatchObject({ requests: 1, prompt_tokens: 37, completion_tokens: 11 });
  });

  it('carries function tools and tool_choice to chat, and tool calls back as function_call items', async () => {
    const { key } = await gw.newOrgKey({ country: 'US' });
    const client = gw.client(key);
    // A built-in tool chat has no words for: not sent to a chat-only deployment at all.
    const sent = received.length;
    const err = (await client.responses
      .create({ model: 'house-model', input: 'Search the web', tools: [{ type: 'web_search_preview' }] })
      .catch((e: unknown) => e)) as { status: number; code: string; message: string };
    expect([err.status, err.code]).toEqual([400, 'model_capability_missing']);
    expect(err.message).toContain('Responses API');
    expect(received.length).toBe(sent);
    const res = await client.responses.create({
      model: 'house-model',
      input: 'Weather in Paris?',
      tools,
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
    });
    expect(lastSent().body).toMatchObject({
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather in a city',
            strict: true,
            parameters: (tools[0] as { parameters: unknown }).parameters,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    });
    expect(res.output).toEqual([
      {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'completed',
        arguments: ARGS,
        call_id: 'call_up1',
        name: 'get_weather',
      },
    ]);
    expect(res.output_text).toBe('');

    const stream = client.responses.stream({
      model: 'house-model',
      input: 'Weather in Paris?',
      tools,
      tool_choice: 'required',
    });
    const types: string[] = [];
    let deltas = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.function_call_arguments.delta') deltas += event.delta;
    }
    expect(lastSent().body.tool_choice).toBe('required');
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(deltas).toBe(ARGS);
    const final = await stream.finalResponse();
    expect(calls(final.output)).toMatchObject([{ call_id: 'call_up1', name: 'get_weather', arguments: ARGS }]);
  });

  it('continues a response with previous_response_id: chat is sent the whole conversation', async () => {
    const { key } = await gw.newOrgKey({ country: 'US' });
    const client = gw.client(key);
    const first = await client.responses.create({
      model: 'house-model',
      input: 'Weather in Paris?',
      instructions: 'Use tools.',
      tools,
      tool_choice: 'required',
    });
    const [call] = calls(first.output);
    const second = await client.responses.create({
      model: 'house-model',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call!.call_id, output: '{"temperature":21}' }],
      tools,
    });
    // Instructions are not carried over (as OpenAI documents); the earlier turns are.
    expect(lastSent().body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_up1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }],
      },
      { role: 'tool', tool_call_id: 'call_up1', content: '{"temperature":21}' },
    ]);
    expect(second.output_text).toBe(REPLY);
    expect(second.id).not.toBe(first.id);
    const third = await client.responses.create({
      model: 'house-model',
      previous_response_id: second.id,
      input: 'Thanks',
      stream: true,
    });
    for await (const _ of third);
    expect(lastSent().body.messages.slice(-2)).toEqual([
      { role: 'assistant', content: REPLY },
      { role: 'user', content: 'Thanks' },
    ]);
  });
});
