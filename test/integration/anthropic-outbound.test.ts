// A deployment of type `anthropic`: OpenAI clients served by an upstream speaking Anthropic's Messages API
// (the simulator server's /v1/messages), JSON and streamed, with tools and failures.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let sim: SimulatorServer;
let gw: TestGateway;
let client: OpenAI;
const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Hello Claude' },
];
const tools = [
  {
    type: 'function' as const,
    function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
  },
];

beforeAll(async () => {
  sim = await startSimulatorServer();
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
          base_url: `${sim.url}/v1`,
          models: [{ model: 'claude-sonnet-4', upstream: 'claude-sonnet-4-20250514' }],
        },
      ],
      models: [{ name: 'claude-sonnet-4', vendor: 'anthropic' }],
    },
  });
  client = gw.client((await gw.newOrgKey()).key);
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

describe('anthropic deployments', () => {
  it('answer OpenAI chat requests with usage', async () => {
    const res = await client.chat.completions.create({ model: 'claude-sonnet-4', messages });
    expect(res.choices[0]!.message.content).toMatch(/^\[simulated\]/);
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('stream, with the usage chunk when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toMatch(/^\[simulated\]/);
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('carry tool calls both ways', async () => {
    const res = await client.chat.completions.create({ model: 'claude-sonnet-4', messages, tools });
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('lookup');
    const final = await client.chat.completions
      .stream({ model: 'claude-sonnet-4', messages, tools })
      .finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]!;
    expect(streamed.type === 'function' && JSON.parse(streamed.function.arguments)).toHaveProperty('q');
    const answer = await client.chat.completions.create({
      model: 'claude-sonnet-4',
      tools,
      messages: [...messages, res.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'found it' }],
    });
    expect(answer.choices[0]!.finish_reason).toBe('stop');
  });

  it('reject what the vendor cannot do, and map its failures', async () => {
    const err = (await client.chat.completions
      .create({ model: 'claude-sonnet-4', messages, logprobs: true })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(400);
    expect(err.param).toBe('logprobs');
    sim.setFaults({ error_rate: 1 });
    const failed = (await client.chat.completions
      .create({ model: 'claude-sonnet-4', messages })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    sim.setFaults({});
    expect(failed.status).toBe(502);
  });
});
