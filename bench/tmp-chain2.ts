import { readFileSync } from 'node:fs';
import { sseDataBatches } from '../src/protocols/sse-reader.ts';
import { scanContentDelta } from '../src/protocols/openai/chunk-scan.ts';
const raw = readFileSync('/tmp/keep/stream.txt');
const text = raw.toString();
async function* one() { yield Buffer.from(raw); }
const datas: string[] = []; for await (const b of sseDataBatches(one())) datas.push(...b);
const time = async (label: string, f: () => unknown) => { for (let r = 0; r < 3; r++) { const N = 20000; const t = performance.now(); for (let i = 0; i < N; i++) await f(); if (r === 2) console.log(label.padEnd(20), ((performance.now() - t) * 1000 / N).toFixed(2), 'µs'); } };
await time('decode only', () => raw.toString('utf8'));
await time('sse reader', async () => { for await (const b of sseDataBatches(one())) b.length; });
await time('scan x21', () => { for (const d of datas) if (d !== '[DONE]') scanContentDelta(d); });
await time('regex x21', () => { for (const d of datas) /"(usage|error|tool_calls|function_call|reasoning_content|refusal|finish_reason)"\s*:\s*[^n\s]/.test(d); });
await time('frames+encode', () => { let f = ''; for (const d of datas) f += `data: ${d}\n\n`; return Buffer.from(f).length; });
await time('Buffer.from(raw str)', () => Buffer.from(text).length);
