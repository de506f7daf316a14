// The token-counting thread: our tokenizer (o200k_base) off the gateway's event loop, where loading it takes
// seconds and counting a long text milliseconds. Plain JavaScript, started without the TypeScript loader.
import { getEncoding } from 'js-tiktoken';
import { parentPort } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../util/thread-priority.mjs';

// Nothing a response waits for runs here.
lowerThisThreadPriority(10);

const encoder = getEncoding('o200k_base');

parentPort.on('message', ({ id, texts }) => {
  try {
    parentPort.postMessage({ id, counts: texts.map((text) => (text === '' ? 0 : encoder.encode(text).length)) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
