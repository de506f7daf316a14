// The nonce thread: makes Ed25519 nonces ahead of time (ed25519.mjs) at the lowest scheduling priority, so
// that it runs on time the machine would otherwise leave idle and yields to the gateway's own threads. Plain
// JavaScript, started without the TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../util/thread-priority.mjs';
import { nonceBatch } from './ed25519.mjs';

lowerThisThreadPriority(19);

parentPort.on('message', (count) => {
  const batch = nonceBatch(count);
  parentPort.postMessage(batch.buffer, [batch.buffer]);
});
