// Signing thread: Ed25519 signatures for manifests, off the gateway's event loop. Plain JavaScript on purpose:
// it needs nothing but node:crypto, so it starts without the TypeScript loader. Jobs come as "kid input"
// lines; signatures go back as lines in the same order.
import { createPrivateKey, sign } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const keys = new Map();
parentPort.on('message', (message) => {
  if (message.keys) {
    for (const [kid, pem] of message.keys) keys.set(kid, createPrivateKey(pem));
    return;
  }
  let out = '';
  for (const job of message.jobs.split('\n')) {
    const space = job.indexOf(' ');
    const signature = sign(null, Buffer.from(job.slice(space + 1)), keys.get(job.slice(0, space))).toString('base64url');
    out += out === '' ? signature : `\n${signature}`;
  }
  parentPort.postMessage({ id: message.id, out });
});
