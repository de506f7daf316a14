// Issue 23: continuing a Responses API response. A response is kept (unless its request said store: false) for its
// organisation alone; a later request names it in previous_response_id, or names its output items as item_reference
// (how the Vercel AI SDK resends history), and the vendor is sent the whole conversation. Another organisation's id
// is not found. Through the gateway with the official SDK, on the in-process simulator and the simulator server.
import OpenAI from 'openai';
import type { ResponseFunctionToolCall, ResponseInputItem, Tool } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { simulatorServerConfig, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const tools: Tool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Weather in a city',
    strict: null,
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
];

let demo: TestGateway;
let http: TestGateway;
let sim: SimulatorServer;
beforeAll(async () => {
  demo = await startTestGateway();
  sim = await startSimulatorServer();
  http = await startTestGateway({ config: simulatorServerConfig([{ id: 'sim', url: sim.url }]) });
});
afterAll(async () => {
  await demo.close();
  await http.close();
  await sim.close();
});

const calls = (output: Array<{ type: string }>) =>
  output.filter((o): o is ResponseFunctionToolCall => o.type === 'function_call');

for (const which of ['in-process simulator', 'simulator server'] as const) {
  describe(`Responses API stored responses (${which})`, () => {
    const gw = () => (which === 'in-process simulator' ? demo : http);

    it('continues a stored response named by previous_response_id, with its whole history', async () => {
      const { key } = await gw().newOrgKey({ country: 'US' });
      const client = gw().client(key);
      const first = await client.responses.create({
        model: 'gpt-4o',
        input: 'Weather in Paris? '.repeat(40),
        tools,
        tool_choice: 'required',
      });
      const [call] = calls(first.output);
      const result: ResponseInputItem = {
        type: 'function_call_output',
        call_id: call!.call_id,
        output: '{"temperature": 21}',
      };
      const alone = await client.responses.create({ model: 'gpt-4o', input: [result], tools, store: false });
      const followUp = await client.responses.create({
        model: 'gpt-4o',
        previous_response_id: first.id,
        input: [result],
        tools,
      });
      expect(followUp.output_text).toMatch(/^\[simulated\]/);
      expect(followUp.previous_response_id).toBe(first.id);
      // The vendor was sent the earlier prompt and call as well: the long first question counts again.
      expect(followUp.usage!.input_tokens).toBeGreaterThan(alone.usage!.input_tokens + 100);
      // A chain: the follow-up is stored too, and continuing it carries all three turns.
      const streamed = await client.responses.create({
        model: 'gpt-4o',
        previous_response_id: followUp.id,
        input: 'Thanks!',
        tools,
        tool_choice: 'none',
        stream: true,
      });
      let completed: { usage?: { input_tokens: number } | null; previous_response_id?: string | null } | undefined;
      for await (const event of streamed) if (event.type === 'response.completed') completed = event.response;
      expect(completed!.usage!.input_tokens).toBeGreaterThan(followUp.usage!.input_tokens);
      expect(completed!.previous_response_id).toBe(followUp.id);
    });

    it('finds stored output items named by item_reference (how the Vercel AI SDK resends history)', async () => {
      const { key } = await gw().newOrgKey({ country: 'US' });
      const client = gw().client(key);
      const first = await client.responses.create({ model: 'gpt-4o', input: 'Say something long. '.repeat(30) });
      const message = first.output[0]!;
      const referenced = await client.responses.create({
        model: 'gpt-4o',
        input: [
          { role: 'user', content: 'Say something long. '.repeat(30) },
          { type: 'item_reference', id: message.id! },
          { role: 'user', content: 'More.' },
        ],
        store: false,
      });
      const unreferenced = await client.responses.create({
        model: 'gpt-4o',
        input: [
          { role: 'user', content: 'Say something long. '.repeat(30) },
          { role: 'user', content: 'More.' },
        ],
        store: false,
      });
      // The referenced reply was sent as the assistant's turn: all of its text counts as input.
      expect(referenced.usage!.input_tokens - unreferenced.usage!.input_tokens).toBeGreaterThanOrEqual(
        first.usage!.output_tokens,
      );
    });

    it("never continues another organisation's response, nor one that was not stored: 404", async () => {
      const a = await gw().newOrgKey({ country: 'US' });
      const b = await gw().newOrgKey({ country: 'US' });
      const mine = await gw()
        .client(a.key)
        .responses.create({ model: 'gpt-4o', input: 'Secret plans', tools, tool_choice: 'required' });
      const theirs = (await gw()
        .client(b.key)
        .responses.create({ model: 'gpt-4o', previous_response_id: mine.id, input: 'What did I ask?' })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(theirs).toBeInstanceOf(OpenAI.NotFoundError);
      expect(theirs.param).toBe('previous_response_id');
      expect(theirs.message).toContain(mine.id);
      const reference = (await gw()
        .client(b.key)
        .responses.create({ model: 'gpt-4o', input: [{ type: 'item_reference', id: mine.output[0]!.id! }] })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(reference).toBeInstanceOf(OpenAI.NotFoundError);
      expect(reference.param).toBe('input[0].id');
      const unstored = await gw()
        .client(a.key)
        .responses.create({ model: 'gpt-4o', input: 'Forget this', store: false });
      const again = await gw()
        .client(a.key)
        .responses.create({ model: 'gpt-4o', previous_response_id: unstored.id, input: 'And?' })
        .catch((e: unknown) => e);
      expect(again).toBeInstanceOf(OpenAI.NotFoundError);
      // The owner can still continue its own.
      const own = await gw()
        .client(a.key)
        .responses.create({
          model: 'gpt-4o',
          previous_response_id: mine.id,
          input: [{ type: 'function_call_output', call_id: calls(mine.output)[0]!.call_id, output: 'sunny' }],
        });
      expect(own.output_text).toMatch(/^\[simulated\]/);
    });
  });
}
