// The nonce thread: makes Ed25519 nonces ahead of time (ed25519.mjs) at the lowest scheduling priority, so
// that it runs on time the machine would otherwise leave idle and yields to the gateway's own threads. Plain
// JavaScript, started without the TypeScript loader.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { nonceBatch } from './ed25519.mjs';

try {
  // On Linux this sets the calling thread's priority, not the process's.
  setPriority(19);
} catch {
  // Not permitted here: the nonces still come, at normal priority.
}

parentPort.on('message', (count) => {
  const batch = nonceBatch(count);
  parentPort.postMessage(batch.buffer, [batch.buffer]);
});
