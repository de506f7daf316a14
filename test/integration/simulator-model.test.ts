// The demo upstream behaves like a model (issue 29), seen through the official SDKs against the gateway on the
// in-process simulator: replies follow what is asked, structured output and tool calls validate against their
// schemas, reasoning models show their reasoning, embeddings keep similar texts together, and a seed repeats a reply.
import Anthropic from '@anthropic-ai/sdk';
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

// Both are CommonJS with the export on `default` as well as on module.exports.
const ajv = new ajv2020.default({ strict: false, allErrors: true });
ajvFormats.default(ajv);

let gw: TestGateway;
let client: OpenAI;
let key: string;
beforeAll(async () => {
  gw = await startTestGateway();
  // Outside the EU: the demo marks EU organisations' outputs (Article 50), and these tests read the vendor's text.
  key = (await gw.newOrgKey({ country: 'US' })).key;
  client = gw.client(key);
});
afterAll(() => gw.close());

const user = (content: string) => [{ role: 'user' as const, content }];
const words = (text: string) =>
  text
    .replace(/^\[simulated\]/, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);

const recipeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'cuisine', 'servings', 'ingredients', 'steps', 'source'],
  properties: {
    title: { type: 'string' },
    cuisine: { type: 'string', enum: ['italian', 'japanese', 'mexican'] },
    servings: { type: 'integer', minimum: 1, maximum: 12 },
    ingredients: {
      type: 'array',
      minItems: 2,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'grams'],
        properties: { name: { type: 'string' }, grams: { type: 'number', exclusiveMinimum: 0 } },
      },
    },
    steps: { type: 'array', items: { type: 'string' } },
    source: { type: ['string', 'null'], format: 'uri' },
  },
};

const tools: OpenAI.Chat.Completions.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_stock_price',
      description: 'Latest stock price for a ticker',
      parameters: {
        type: 'object',
        properties: { ticker: { type: 'string', pattern: '^[A-Z]{1,5}$' } },
        required: ['ticker'],
        additionalProperties: false,
      },
      strict: true,
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          days: { type: 'integer', minimum: 1, maximum: 7 },
        },
        required: ['city', 'unit', 'days'],
        additionalProperties: false,
      },
      strict: true,
    },
  },
];
const toolSchema = (name: string) => tools.find((t) => t.function.name === name)!.function.parameters!;

describe('the simulator follows the request', () => {
  it('writes three paragraphs on the topic asked about', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: user('Write three paragraphs about harbours and ships'),
    });
    const text = res.choices[0]!.message.content!;
    expect(text).toMatch(/^\[simulated\] /);
    expect(text.split('\n\n')).toHaveLength(3);
    expect(text).toMatch(/harbours/);
    expect(text).toMatch(/ships/);
    expect(words(text).length).toBeGreaterThan(150);
    expect(res.choices[0]!.finish_reason).toBe('stop');
  });

  it('answers in one word when asked to, and writes a long essay when asked for one', async () => {
    const one = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: user('What is the capital of France? Answer in one word.'),
    });
    expect(words(one.choices[0]!.message.content!)).toEqual(['France']);

    const essay = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: user('Write a long essay on the history of the printing press.'),
    });
    const text = essay.choices[0]!.message.content!;
    expect(text.split('\n\n').length).toBeGreaterThanOrEqual(6);
    expect(words(text).length).toBeGreaterThan(500);
    expect(text).toMatch(/printing press/);
  });

  it('stops at max_tokens with finish_reason length, streamed or not, and bills what it sent', async () => {
    const ask = { model: 'gpt-4o', messages: user('Write a long essay about lighthouses.'), max_tokens: 40 };
    const res = await client.chat.completions.create(ask);
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(res.usage!.completion_tokens).toBe(40);

    const stream = await client.chat.completions.create({
      ...ask,
      max_tokens: undefined,
      max_completion_tokens: 25,
      stream: true,
      stream_options: { include_usage: true },
    });
    let pieces = 0;
    let finish: string | null = null;
    let billed = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) pieces++;
      finish = chunk.choices[0]?.finish_reason ?? finish;
      billed = chunk.usage?.completion_tokens ?? billed;
    }
    expect([pieces, finish, billed]).toEqual([25, 'length', 25]);
  });

  it('returns JSON valid against a strict json_schema, streamed or not, and an object for json_object', async () => {
    const validate = ajv.compile(recipeSchema);
    const response_format = {
      type: 'json_schema' as const,
      json_schema: { name: 'recipe', strict: true, schema: recipeSchema },
    };
    for (const seed of [1, 2, 3]) {
      const res = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: user('Give me a recipe for a summer dinner.'),
        response_format,
        seed,
      });
      const value = JSON.parse(res.choices[0]!.message.content!);
      expect(validate(value), ajv.errorsText(validate.errors)).toBe(true);
    }
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: user('Another recipe, please.'),
      response_format,
      stream: true,
    });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(validate(JSON.parse(streamed)), ajv.errorsText(validate.errors)).toBe(true);

    const object = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: user('Describe Lisbon as JSON.'),
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(object.choices[0]!.message.content!)).toMatchObject({ simulated: true, topic: 'Lisbon' });
  });

  it('returns Responses API structured output valid against text.format', async () => {
    const validate = ajv.compile(recipeSchema);
    const res = await client.responses.create({
      model: 'gpt-4o',
      input: 'A recipe for a winter lunch.',
      text: { format: { type: 'json_schema', name: 'recipe', strict: true, schema: recipeSchema } },
    });
    expect(validate(JSON.parse(res.output_text)), ajv.errorsText(validate.errors)).toBe(true);
  });
});

describe('the simulator calls tools well', () => {
  it('calls the tool the request is about with arguments valid against its schema, streamed or not', async () => {
    const messages = user("What's the weather going to be in Lisbon this week?");
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    const validate = ajv.compile(toolSchema('get_weather'));
    expect(call.type === 'function' && validate(JSON.parse(call.function.arguments))).toBe(true);

    const stream = client.chat.completions.stream({ model: 'gpt-4o', messages, tools, tool_choice: 'required' });
    let argumentDeltas = 0;
    stream.on('tool_calls.function.arguments.delta', () => argumentDeltas++);
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]!;
    expect(argumentDeltas).toBeGreaterThan(2);
    expect(streamed.type === 'function' && validate(JSON.parse(streamed.function.arguments))).toBe(true);

    // A named tool is the one called; its pattern-constrained argument matches.
    const named = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_stock_price' } },
    });
    const stock = named.choices[0]!.message.tool_calls![0]!;
    expect(
      stock.type === 'function' && ajv.compile(toolSchema('get_stock_price'))(JSON.parse(stock.function.arguments)),
    ).toBe(true);
  });

  it('emits Responses API function_call items and argument events that validate', async () => {
    const responseTools = tools.map(({ function: f }) => ({
      type: 'function' as const,
      name: f.name,
      description: f.description ?? null,
      parameters: f.parameters ?? null,
      strict: true,
    }));
    const validate = ajv.compile(toolSchema('get_weather'));
    const res = await client.responses.create({
      model: 'gpt-4o',
      input: 'Will it rain in Lisbon tomorrow? Check the weather.',
      tools: responseTools,
    });
    const item = res.output.find((o) => o.type === 'function_call')!;
    expect(item.type === 'function_call' && item.name).toBe('get_weather');
    expect(item.type === 'function_call' && validate(JSON.parse(item.arguments))).toBe(true);

    const stream = await client.responses.create({
      model: 'gpt-4o',
      input: 'Will it rain in Lisbon tomorrow? Check the weather.',
      tools: responseTools,
      stream: true,
    });
    let args = '';
    for await (const event of stream) if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    expect(validate(JSON.parse(args))).toBe(true);
  });

  it('answers Anthropic SDK clients with tool_use input valid against input_schema', async () => {
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
    const input_schema = toolSchema('get_weather') as Anthropic.Tool.InputSchema;
    const msg = await anthropic.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 300,
      messages: [{ role: 'user', content: 'How warm is it in Lisbon?' }],
      tools: [{ name: 'get_weather', description: 'Current weather for a city', input_schema }],
    });
    const use = msg.content.find((b) => b.type === 'tool_use')!;
    expect(use.type === 'tool_use' && ajv.compile(input_schema)(use.input)).toBe(true);
  });
});

describe('reasoning, embeddings and determinism', () => {
  it('shows a reasoning model’s reasoning, DeepSeek-style, and bills it as reasoning tokens', async () => {
    const res = await client.chat.completions.create({
      model: 'deepseek-reasoner',
      messages: user('Why do lighthouses use rotating beams?'),
    });
    const message = res.choices[0]!.message as OpenAI.Chat.Completions.ChatCompletionMessage & {
      reasoning_content?: string;
    };
    expect(message.reasoning_content).toMatch(/lighthouses|question/);
    expect(message.content).toMatch(/^\[simulated\]/);
    const reasoning = res.usage!.completion_tokens_details!.reasoning_tokens!;
    expect(reasoning).toBeGreaterThan(10);
    expect(res.usage!.completion_tokens).toBeGreaterThan(reasoning);

    const stream = await client.chat.completions.create({
      model: 'deepseek-reasoner',
      messages: user('Why do lighthouses use rotating beams?'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const order: string[] = [];
    let thought = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      if (delta?.reasoning_content) {
        thought += delta.reasoning_content;
        order.push('reasoning');
      }
      if (delta?.content) order.push('content');
    }
    expect(thought).toBe(message.reasoning_content);
    expect(order.indexOf('content')).toBe(order.lastIndexOf('reasoning') + 1);
  });

  it('embeds similar texts close together and unrelated ones apart, in the dimensions and encoding asked for', async () => {
    const texts = [
      'How do I reset my account password?',
      'I forgot my password and need to reset my account.',
      'The orchestra played a symphony by Brahms.',
    ];
    const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
    // The SDK asks for base64 unless told otherwise, and decodes it.
    const [b64, floats] = await Promise.all([
      client.embeddings.create({ model: 'text-embedding-3-small', input: texts, dimensions: 512 }),
      client.embeddings.create({
        model: 'text-embedding-3-small',
        input: texts,
        dimensions: 512,
        encoding_format: 'float',
      }),
    ]);
    const [a, similar, unrelated] = floats.data.map((d) => d.embedding);
    expect(a).toHaveLength(512);
    expect(cosine(a!, similar!)).toBeGreaterThan(0.5);
    expect(Math.abs(cosine(a!, unrelated!))).toBeLessThan(0.25);
    expect(b64.data[0]!.embedding.map((x) => Math.fround(x))).toEqual(a!.map((x) => Math.fround(x)));
  });

  it('gives the same reply to the same request and seed, and another to another seed', async () => {
    const ask = (seed: number) =>
      client.chat.completions
        .create({ model: 'gpt-4o', messages: user('Tell me about tides in two paragraphs.'), seed })
        .then((r) => r.choices[0]!.message.content!);
    const [a, b, c] = await Promise.all([ask(7), ask(7), ask(8)]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(c.split('\n\n')).toHaveLength(2);
  });
});
