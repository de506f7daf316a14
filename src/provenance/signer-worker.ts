// Signing thread: provenance manifests (content hash, JWS payload, Ed25519 signature) off the gateway's event
// loop, started by signer.ts. Jobs come as a flat array of [kid, claims JSON, text] triples; results go back as
// "manifest content_sha256" lines in the same order.
import { parentPort } from 'node:worker_threads';
import { ed25519SigningKey, type Ed25519SigningKey } from './ed25519.ts';
import { signManifest } from './manifest-signing.ts';

type Message = { keys: Array<[kid: string, pem: string]> } | { keys?: undefined; id: number; jobs: string[] };

const port = parentPort!;
const keys = new Map<string, Ed25519SigningKey>();
port.on('message', (message: Message) => {
  if (message.keys) {
    for (const [kid, pem] of message.keys) keys.set(kid, ed25519SigningKey(pem));
    return;
  }
  const jobs = message.jobs;
  let out = '';
  for (let i = 0; i < jobs.length; i += 3) {
    const { manifest, content_sha256 } = signManifest(keys.get(jobs[i]!)!, jobs[i]!, jobs[i + 1]!, jobs[i + 2]!);
    out += `${out === '' ? '' : '\n'}${manifest} ${content_sha256}`;
  }
  port.postMessage({ id: message.id, out });
});
