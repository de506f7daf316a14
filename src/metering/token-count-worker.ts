// Token-counting thread, started by token-count-thread.ts: loads the tokenizer (a fraction of a second, about 25 MB of
// live heap) off the gateway's event loop, then counts the texts of each message, answering their counts in the same order.
import { parentPort } from 'node:worker_threads';
import { countTokens as countO200k, setMergeCacheSize } from 'gpt-tokenizer/encoding/o200k_base';

const port = parentPort!;
// Merged pieces it remembers (by default 100,000, a cache that grows with every customer's text): a bound on the
// thread's memory.
setMergeCacheSize(10_000);
// A special token's name in a customer's text is text: counted as such, not refused (the default throws).
const asText = { disallowedSpecial: new Set<string>() };
const encode = (part: string) => countO200k(part, asText);

/**
 * Characters in a row, without whitespace or all whitespace, beyond which a run is counted in parts of this length:
 * merging a piece costs more than linearly in its length (a million characters in one piece would hold the thread for
 * many minutes), and a customer's text can hold such a run. Prose never has one; a cut can keep two tokens from
 * merging: one token more per part at most.
 */
const RUN_PART = 128;
const LONG_RUN = new RegExp(`\\S{${RUN_PART + 1},}|\\s{${RUN_PART + 1},}`, 'gu');

/** The text's tokens, as o200k counts them; a long run counted part by part. */
function countTokens(text: string): number {
  let tokens = 0;
  let from = 0;
  for (const run of text.matchAll(LONG_RUN)) {
    const end = run.index + run[0].length;
    for (let cut = run.index + RUN_PART; cut < end; cut += RUN_PART) {
      // Never between the two halves of a surrogate pair.
      if (isHighSurrogate(text.charCodeAt(cut - 1))) cut++;
      tokens += encode(text.slice(from, cut));
      from = cut;
    }
  }
  return tokens + encode(text.slice(from));
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

port.on('message', ({ id, texts }: { id: number; texts: string[] }) => {
  try {
    port.postMessage({ id, counts: texts.map(countTokens) });
  } catch (err) {
    port.postMessage({ id, error: (err as Error).message });
  }
});
