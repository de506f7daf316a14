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

port.on('message', ({ id, texts }: { id: number; texts: string[] }) => {
  try {
    // A special token's name in a customer's text is text: counted as such, not refused (js-tiktoken throws by
    // default).
    port.postMessage({ id, counts: texts.map((text) => tokenizer.encode(text, [], []).length) });
  } catch (err) {
    port.postMessage({ id, error: (err as Error).message });
  }
});
