// The token-counting thread: our tokenizer (o200k_base) off the gateway's event loop, where loading it takes
// seconds and counting a long text milliseconds. Started by token-count-thread.ts.
import { getEncoding } from 'js-tiktoken';
import { parentPort } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../util/thread-priority.ts';

// Nothing a response waits for runs here.
lowerThisThreadPriority(10);

const encoder = getEncoding('o200k_base');
const port = parentPort!;

port.on('message', ({ id, texts }: { id: number; texts: string[] }) => {
  try {
    port.postMessage({ id, counts: texts.map((text) => (text === '' ? 0 : encoder.encode(text).length)) });
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
