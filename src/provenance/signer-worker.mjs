// Signing thread: Ed25519 signatures for manifests, off the gateway's event loop. Plain JavaScript on purpose:
// it needs nothing but node:crypto, so it starts without the TypeScript loader.
import { createPrivateKey, sign } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const keys = new Map();
parentPort.on('message', (message) => {
  if (message.keys) {
    for (const [kid, pem] of message.keys) keys.set(kid, createPrivateKey(pem));
    return;
  }
  const out = message.jobs.map(([kid, input]) => sign(null, Buffer.from(input), keys.get(kid)).toString('base64url'));
  parentPort.postMessage({ id: message.id, out });
});
