// Token-counting thread, started by token-count-thread.ts: builds the tokenizer (seconds of work, tens of MB) off
// the gateway's event loop, then counts the texts of each message, answering their counts in the same order.
import { parentPort } from 'node:worker_threads';
import { Tiktoken } from 'js-tiktoken/lite';
import ranks from 'js-tiktoken/ranks/o200k_base';

const port = parentPort!;
// The o200k ranks alone: the package's index holds every encoding's ranks as module text.
const tokenizer = new Tiktoken(ranks);
// Counting never decodes: its table (a Uint8Array for each of 200,000 tokens, 47 MB of heap) is dropped.
(tokenizer as unknown as { textMap?: Map<number, Uint8Array> }).textMap?.clear();

/**
 * Characters in a row, without whitespace or all whitespace, beyond which a run is counted in parts of this length:
 * merging a piece costs the square of its length in js-tiktoken (10,000 'x', '!' or spaces took 6 s, 10,000 'é'
 * 26 s, so a million would hold the thread for hours), and a customer's text can hold such a run. Prose never has
 * one; a cut can keep two tokens from merging: one token more per part at most.
 */
const RUN_PART = 128;
const LONG_RUN = new RegExp(`\\S{${RUN_PART + 1},}|\\s{${RUN_PART + 1},}`, 'gu');

/** The text's tokens, as o200k counts them; a long run counted part by part. */
function countTokens(text: string): number {
  // A special token's name in a customer's text is text: counted as such, not refused (js-tiktoken throws by
  // default).
  const encode = (part: string) => tokenizer.encode(part, [], []).length;
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
