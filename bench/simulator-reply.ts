// `npx tsx bench/simulator-reply.ts`: the SIMULATOR's own CPU per reply (plan, JSON body, stream chunks), for the
// request `npm run bench` sends and for a few heavier ones, so that a change to the text engine shows whether the
// gateway benchmark still measures the gateway. Prints microseconds of CPU per reply, median of 5 rounds.
import { chatChunks, chatCompletion } from '../src/providers/simulator/replies.ts';
import { planChat } from '../src/providers/simulator/plan.ts';
import { embeddingsResponse } from '../src/providers/simulator/embeddings.ts';
import { benchBodies } from './gateway.ts';
import type { JsonObject } from '../src/wire/json.ts';

const ask = (content: string, extra: JsonObject = {}): JsonObject => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content }],
  ...extra,
});

const cases: Array<[string, () => unknown]> = [
  ['bench json', () => JSON.stringify(chatCompletion(planChat(JSON.parse(benchBodies.json) as JsonObject)))],
  [
    'bench stream',
    () => {
      let bytes = 0;
      for (const c of chatChunks(planChat(JSON.parse(benchBodies.stream) as JsonObject), true))
        bytes += JSON.stringify(c).length;
      return bytes;
    },
  ],
  ['three paragraphs', () => chatCompletion(planChat(ask('Write three paragraphs about harbours and ships.')))],
  ['long essay', () => chatCompletion(planChat(ask('Write a long essay on the history of the printing press.')))],
  [
    'json schema',
    () =>
      chatCompletion(
        planChat(
          ask('Describe a city.', {
            response_format: {
              type: 'json_schema',
              json_schema: {
                name: 'city',
                strict: true,
                schema: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['name', 'population', 'districts'],
                  properties: {
                    name: { type: 'string' },
                    population: { type: 'integer', minimum: 0 },
                    districts: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          }),
        ),
      ),
  ],
  ['embedding', () => embeddingsResponse({ model: 'e', input: 'The harbour was full of ships at dawn.' })],
];

const rounds = 5;
const iterations = Number(process.env.SIM_BENCH_ITERATIONS ?? 2000);
for (const [name, run] of cases) {
  for (let i = 0; i < 200; i++) run(); // warm-up
  const perReply: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) run();
    const used = process.cpuUsage(before);
    perReply.push((used.user + used.system) / iterations);
  }
  perReply.sort((a, b) => a - b);
  console.log(`${name.padEnd(18)} ${perReply[rounds >> 1]!.toFixed(1).padStart(8)} µs CPU per reply`);
}
