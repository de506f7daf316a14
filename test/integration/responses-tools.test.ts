// Issue 23: function tools on the Responses API (the Vercel AI SDK's default OpenAI mode, whose tool calls failed
// with ToolChoiceViolationError: a text message came back instead of a function_call), JSON and streamed. Through the
// gateway with the official SDK, on the in-process simulator and on the simulator as a server.
import type { ResponseFunctionToolCall, ResponseInputItem, Tool } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { simulatorServerConfig, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const tools: Tool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Weather in a city',
    strict: true,
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
  {
    type: 'function',
    name: 'get_time',
    description: 'Time in a city',
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
  describe(`Responses API tools (${which})`, () => {
    const gw = () => (which === 'in-process simulator' ? demo : http);

    it("calls a function when tool_choice is 'required', with no text message", async () => {
      const { orgId, key } = await gw().newOrgKey({ country: 'US' });
      const res = await gw()
        .client(key)
        .responses.create({ model: 'gpt-4o', input: 'Weather in Paris?', tools, tool_choice: 'required' });
      expect(res.output.map((o) => o.type)).toEqual(['function_call']);
      const [call] = calls(res.output);
      expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
      expect(call!.call_id).toMatch(/\S/);
      expect(call!.id).toMatch(/^fc_/);
      expect(Object.keys(JSON.parse(call!.arguments) as object).sort()).toEqual(['city', 'unit']);
      expect(res.output_text).toBe('');
      expect(res.model).toBe('gpt-4o');
      expect(res.tool_choice).toBe('required');
      // The arguments are what was delivered, and billed.
      expect(res.usage!.output_tokens).toBeGreaterThan(0);
      const usage = await gw().admin('GET', `/orgs/${orgId}/usage`);
      expect(usage.body.completion_tokens).toBe(res.usage!.output_tokens);
    });

    it('calls the function tool_choice names, and none when it says none', async () => {
      const { key } = await gw().newOrgKey({ country: 'US' });
      const client = gw().client(key);
      const named = await client.responses.create({
        model: 'gpt-4o',
        input: 'What time is it in Oslo?',
        tools,
        tool_choice: { type: 'function', name: 'get_time' },
      });
      expect(calls(named.output).map((c) => c.name)).toEqual(['get_time']);
      const none = await client.responses.create({ model: 'gpt-4o', input: 'Just talk.', tools, tool_choice: 'none' });
      expect(calls(none.output)).toEqual([]);
      expect(none.output_text).toMatch(/^\[simulated\]/);
    });

    it('streams a function call as output_item and function_call_arguments events the SDK assembles', async () => {
      const { key } = await gw().newOrgKey({ country: 'US' });
      const stream = gw()
        .client(key)
        .responses.stream({ model: 'gpt-4o', input: 'Weather in Rome?', tools, tool_choice: 'required' });
      const types: string[] = [];
      let args = '';
      let done: { arguments: string; name: string; item_id: string } | undefined;
      let added: { type: string; id?: string } | undefined;
      let sequence = -1;
      for await (const event of stream) {
        types.push(event.type);
        expect(event.sequence_number).toBeGreaterThan(sequence);
        sequence = event.sequence_number;
        if (event.type === 'response.output_item.added') added = event.item;
        if (event.type === 'response.function_call_arguments.delta') args += event.delta;
        if (event.type === 'response.function_call_arguments.done') done = event;
      }
      const final = await stream.finalResponse();
      const [call] = calls(final.output);
      expect(added).toMatchObject({ type: 'function_call', id: call!.id });
      expect(done).toMatchObject({ arguments: args, name: 'get_weather', item_id: call!.id });
      expect(call!.arguments).toBe(args);
      expect(JSON.parse(args)).toHaveProperty('city');
      expect(types[0]).toBe('response.created');
      expect(types.at(-1)).toBe('response.completed');
      expect(types).toContain('response.output_item.done');
      expect(types).not.toContain('response.output_text.delta');
      expect(final.usage!.output_tokens).toBeGreaterThan(0);
    });

    it('answers in text once the function output is sent back as a function_call_output item', async () => {
      const { key } = await gw().newOrgKey({ country: 'US' });
      const client = gw().client(key);
      const first = await client.responses.create({
        model: 'gpt-4o',
        input: 'Weather in Paris?',
        tools,
        tool_choice: 'required',
        store: false,
      });
      const [call] = calls(first.output);
      const input: ResponseInputItem[] = [
        { role: 'user', content: 'Weather in Paris?' },
        call!,
        { type: 'function_call_output', call_id: call!.call_id, output: '{"temperature": 21}' },
      ];
      const second = await client.responses.create({ model: 'gpt-4o', input, tools, store: false });
      expect(calls(second.output)).toEqual([]);
      expect(second.output_text).toMatch(/^\[simulated\]/);
      const streamed = client.responses.stream({ model: 'gpt-4o', input, tools, store: false });
      for await (const _ of streamed);
      expect((await streamed.finalResponse()).output_text).toMatch(/^\[simulated\]/);
    });

    it('rejects a malformed function tool or tool output, naming the field', async () => {
      const { key } = await gw().newOrgKey({ country: 'US' });
      const client = gw().client(key);
      const noName = (await client.responses
        .create({ model: 'gpt-4o', input: 'Hi', tools: [{ type: 'function', parameters: {} } as never] })
        .catch((e: unknown) => e)) as { status: number; param: string };
      expect([noName.status, noName.param]).toEqual([400, 'tools[0].name']);
      const noCall = (await client.responses
        .create({ model: 'gpt-4o', input: [{ type: 'function_call_output', output: 'x' } as never] })
        .catch((e: unknown) => e)) as { status: number; param: string };
      expect([noCall.status, noCall.param]).toEqual([400, 'input[0].call_id']);
      const badChoice = (await client.responses
        .create({ model: 'gpt-4o', input: 'Hi', tools, tool_choice: 'sometimes' as never })
        .catch((e: unknown) => e)) as { status: number; param: string };
      expect([badChoice.status, badChoice.param]).toEqual([400, 'tool_choice']);
    });
  });
}
