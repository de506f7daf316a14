// `npx tsx bench/model-field.ts`: what naming the catalogue's model in replies costs (src/protocols/openai/model-field.ts):
// per stream chunk (the name already right, and changed) against parsing and serialising the chunk, per batch of
// a stream against the stream alone, and per JSON reply against serialising it again.
import type { JsonObject } from '../src/wire/json.ts';
import type { EventBatch, EventStream } from '../src/wire/stream.ts';
import { eventsNamingModel, jsonNamingModel, withModelLiteral } from '../src/protocols/openai/model-field.ts';

const chunk = (content: string) =>
  `{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":"${content}"},"logprobs":null,"finish_reason":null}]}`;
const chunks = Array.from({ length: 64 }, (_, i) => chunk(` word${i}`));

/** Median over rounds of CPU µs per operation. */
function measure(label: string, ops: number, run: () => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < 9; r++) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / ops);
  }
  const median = rounds.sort((a, b) => a - b)[4]!;
  console.log(`${label.padEnd(58)} ${(median * 1000).toFixed(0).padStart(6)} ns`);
  return median;
}

const N = 200_000;
let sink = 0;
measure('chunk: name already right (indexOf, compare)', N, () => {
  for (let i = 0; i < N; i++) sink += withModelLiteral(chunks[i & 63]!, '"gpt-4o-2024-08-06"').length;
});
measure('chunk: name changed (splice)', N, () => {
  for (let i = 0; i < N; i++) sink += withModelLiteral(chunks[i & 63]!, '"gpt-4o"').length;
});
measure('chunk: JSON.parse, set, JSON.stringify (for comparison)', N, () => {
  for (let i = 0; i < N; i++) {
    const c = JSON.parse(chunks[i & 63]!) as JsonObject;
    c.model = 'gpt-4o';
    sink += JSON.stringify(c).length;
  }
});

async function* source(batches: number): AsyncGenerator<EventBatch> {
  for (let i = 0; i < batches; i++) yield [{ data: chunks[i & 63]!, text: ` word${i}`, usage: null }];
}
async function drain(events: EventStream): Promise<void> {
  for await (const batch of events) sink += batch.length;
}
const STREAMS = 2_000;
const BATCHES = 100;
async function streams(wrap: boolean): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < 9; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < STREAMS; i++)
      await drain(wrap ? eventsNamingModel(source(BATCHES), 'gpt-4o') : source(BATCHES));
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / (STREAMS * BATCHES));
  }
  return rounds.sort((a, b) => a - b)[4]!;
}
const bare = await streams(false);
const named = await streams(true);
console.log(`${'stream batch: bare async generator'.padEnd(58)} ${(bare * 1000).toFixed(0).padStart(6)} ns`);
console.log(
  `${'stream batch: with the model named (one chunk per batch)'.padEnd(58)} ${(named * 1000).toFixed(0).padStart(6)} ns (+${((named - bare) * 1000).toFixed(0)} ns)`,
);

const completion = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1741570283,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'lorem ipsum '.repeat(80) },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 20, completion_tokens: 160, total_tokens: 180 },
});
const embeddings = JSON.stringify({
  object: 'list',
  data: [0, 1, 2, 3].map((index) => ({
    object: 'embedding',
    index,
    embedding: Array.from({ length: 1536 }, (_, i) => Math.sin(i + index)),
  })),
  model: 'embed-v1',
  usage: { prompt_tokens: 8, total_tokens: 8 },
});
for (const [label, text] of [
  ['chat completion', completion],
  ['embeddings, 4 x 1536', embeddings],
] as const) {
  const bodies = Array.from({ length: 2_000 }, () => JSON.parse(text) as JsonObject);
  const vendor = bodies[0]!.model;
  measure(`JSON ${label} (${text.length} B): name spliced in`, bodies.length, () => {
    for (const body of bodies) {
      body.model = vendor;
      sink += jsonNamingModel(body, text, 'gpt-4o').length;
    }
  });
  measure(`JSON ${label}: JSON.stringify (for comparison)`, bodies.length, () => {
    for (const body of bodies) sink += JSON.stringify(body).length;
  });
}
if (sink === 42) console.log('');
