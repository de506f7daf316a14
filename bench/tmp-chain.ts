import { readFileSync } from 'node:fs';
import { sseDataBatches } from '../src/protocols/sse-reader.ts';
import { scanContentDelta } from '../src/protocols/openai/chunk-scan.ts';
const raw = readFileSync('/tmp/keep/stream.txt');
async function* one() { yield Buffer.from(raw); }
async function run() {
  let frames = '';
  for await (const datas of sseDataBatches(one())) {
    const batch = [];
    for (const d of datas) { if (d === '[DONE]') break; const t = scanContentDelta(d); batch.push(t !== null ? { data: d, text: t, usage: null } : { data: d, chunk: JSON.parse(d), usage: null }); }
    let text = '';
    for (const e of batch) { text += e.text ?? ''; frames += `data: ${e.data}\n\n`; }
  }
  return Buffer.from(frames).length;
}
for (let r = 0; r < 5; r++) { const N = 20000; const t = performance.now(); for (let i = 0; i < N; i++) await run(); console.log(((performance.now() - t) * 1000 / N).toFixed(1), 'µs per stream'); }
