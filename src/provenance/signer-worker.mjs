// Signing thread: provenance manifests (content hash, JWS payload, Ed25519 signature) off the gateway's event
// loop. Plain JavaScript on purpose: it starts without the TypeScript loader. Jobs come as a flat array of
// [kid, claims JSON, text] triples; results go back as "manifest content_sha256" lines in the same order.
import { parentPort } from 'node:worker_threads';
import { ed25519SigningKey } from './ed25519.mjs';
import { signManifest } from './manifest-signing.mjs';

const keys = new Map();
parentPort.on('message', (message) => {
  if (message.keys) {
    for (const [kid, pem] of message.keys) keys.set(kid, ed25519SigningKey(pem));
    return;
  }
  const jobs = message.jobs;
  let out = '';
  for (let i = 0; i < jobs.length; i += 3) {
    const { manifest, content_sha256 } = signManifest(keys.get(jobs[i]), jobs[i], jobs[i + 1], jobs[i + 2]);
    out += `${out === '' ? '' : '\n'}${manifest} ${content_sha256}`;
  }
  parentPort.postMessage({ id: message.id, out });
});
