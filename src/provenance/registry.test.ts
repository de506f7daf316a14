// Robustness of the fingerprint registry on generated texts: edited, reordered and embedded outputs are still
// found; unrelated texts are not.
import { describe, expect, it } from 'vitest';
import { MemoryFingerprintStore } from '../store/memory/fingerprints.ts';
import { FingerprintRegistry } from './registry.ts';
import { pseudoText, replaceWords, shuffleSentences } from './text-corpus.ts';

const OUTPUTS = 1000;
const registry = new FingerprintRegistry(new MemoryFingerprintStore(), (e) => {
  throw e;
});
const outputs = Array.from({ length: OUTPUTS }, (_, i) => pseudoText(i + 1, 5 + (i % 15)));
outputs.forEach((text, i) =>
  registry.register(
    { request_id: `req_${i}`, org_id: 'org', created_at: '2026-11-01T00:00:00Z', manifest: `m${i}` },
    text,
  ),
);

async function foundShare(transform: (text: string, i: number) => string): Promise<number> {
  let found = 0;
  for (let i = 0; i < OUTPUTS; i++) {
    const { matches } = await registry.match(transform(outputs[i]!, i));
    if (matches.some((m) => m.output.request_id === `req_${i}`)) found++;
  }
  return found / OUTPUTS;
}

describe('fingerprint registry robustness', () => {
  it('finds outputs verbatim', async () => {
    expect(await foundShare((t) => t)).toBe(1);
  });
  it('finds at least 95% after 10% of the words are changed', async () => {
    expect(await foundShare((t, i) => replaceWords(t, 0.1, 7000 + i))).toBeGreaterThanOrEqual(0.95);
  });
  it('finds at least 95% after the sentences are reordered', async () => {
    expect(await foundShare((t, i) => shuffleSentences(t, 9000 + i))).toBeGreaterThanOrEqual(0.95);
  });
  it('finds at least 95% inside a longer human document, and says which part matched', async () => {
    expect(
      await foundShare((t, i) => `${pseudoText(50_000 + i, 20)} ${t} ${pseudoText(60_000 + i, 20)}`),
    ).toBeGreaterThanOrEqual(0.95);
    const prefix = `${pseudoText(77_777, 10)} `;
    const { matches } = await registry.match(prefix + outputs[3]!);
    const span = matches.find((m) => m.output.request_id === 'req_3')!.spans[0]!;
    expect(span.start).toBeGreaterThanOrEqual(prefix.length - 1);
  });
  it('matches fewer than 1 in 10,000 unrelated texts', async () => {
    let falsePositives = 0;
    for (let i = 0; i < 10_000; i++)
      if ((await registry.match(pseudoText(1_000_000 + i, 3 + (i % 20)))).matches.length > 0) falsePositives++;
    expect(falsePositives).toBeLessThan(1);
  });
});
