// Token counts on their own thread: the same counts as the tokenizer, without stalling the event loop while it
// loads, and the thread (with the tokenizer's memory) gone once idle.
import { afterEach, describe, expect, it } from 'vitest';
import { TokenCountThread } from './token-count-thread.ts';

const threads: TokenCountThread[] = [];
const thread = (idleMs?: number) => {
  const t = new TokenCountThread(idleMs);
  threads.push(t);
  return t;
};
afterEach(async () => {
  await Promise.all(threads.splice(0).map((t) => t.close()));
});

describe('token-counting thread', () => {
  it("counts as o200k does, special tokens' names as text, and the event loop runs on while it loads", async () => {
    const counter = thread();
    let longestGap = 0;
    let last = performance.now();
    const ticks = setInterval(() => {
      longestGap = Math.max(longestGap, performance.now() - last);
      last = performance.now();
    }, 10);
    try {
      const counts = await Promise.all(
        ['hello world', '', 'Explain <|endoftext|> briefly.', 'word '.repeat(2_000)].map((t) => counter.count(t)),
      );
      expect(counts[0]).toBe(2);
      expect(counts[1]).toBe(0);
      expect(counts[2]).toBeGreaterThan(6);
      expect(counts[3]).toBeGreaterThan(100);
    } finally {
      clearInterval(ticks);
    }
    // Building the tokenizer takes seconds; on the event loop it stalled everything for as long.
    expect(longestGap).toBeLessThan(1_000);
  }, 30_000);

  it('counts code, scripts, emoji and whitespace as o200k_base does (figures from OpenAI tiktoken ports)', async () => {
    // Recorded with js-tiktoken, the tokenizer this thread used before: a change of tokenizer must not change a bill.
    const counter = thread();
    const expected: Array<[string, number]> = [
      ['def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n', 26],
      ['Ünïcödé façade — 東京タワー and 😀👍🏽 emoji, 3.14159 × 10^6.', 29],
      ["  indented\n\n\ttabs\r\nand 'quotes' aren't it's", 13],
      ['Explain <|endoftext|> and <|endofprompt|> briefly.', 18],
    ];
    const counts = await Promise.all(expected.map(([text]) => counter.count(text)));
    expect(counts).toEqual(expected.map(([, n]) => n));
  });

  it('counts a run of any length in bounded time, within a token a part of the whole run', async () => {
    // Merging within one piece costs more than linearly: in one piece, this run alone would hold the thread for seconds.
    const counter = thread();
    const eightThousand = await counter.count('x'.repeat(8_000));
    expect(eightThousand).toBe(1_000);
    const run = await counter.count('x'.repeat(100_000));
    expect(run).toBeGreaterThanOrEqual(12_500);
    expect(run).toBeLessThanOrEqual(12_500 + Math.ceil(100_000 / 128));
    // Any character repeated, whitespace included: each was as slow.
    const others = await Promise.all(['!', ' ', '\n', 'é'].map((c) => counter.count(c.repeat(20_000))));
    for (const n of others) expect(n).toBeGreaterThan(0);
  }, 20_000);

  it('stops once idle and starts again for the next count', async () => {
    const counter = thread(50);
    expect(await counter.count('one two three')).toBe(3);
    expect(counter.running).toBe(true);
    const deadline = Date.now() + 5_000;
    while (counter.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(counter.running).toBe(false);
    expect(await counter.count('one two three')).toBe(3);
  }, 30_000);
});
