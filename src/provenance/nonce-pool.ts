// Ed25519 nonces made ahead of time (see ed25519.mjs) by a thread of idle priority, kept here for the
// signatures to come. A nonce is handed out once and wiped by the signature that uses it. When the pool is
// empty (sustained load leaves the thread no idle time), signing takes the deterministic path, as without it.
import { Worker } from 'node:worker_threads';
import { NONCE_BYTES } from './ed25519.mjs';

export class NoncePool {
  private readonly worker = new Worker(new URL('./nonce-worker.mjs', import.meta.url));
  private readonly batches: Buffer[] = [];
  /** Where the next nonce starts in batches[0]. */
  private offset = 0;
  private requested = false;

  constructor(private readonly options: { batch: number; keep: number } = { batch: 256, keep: 8 }) {
    this.worker.unref();
    this.worker.on('message', (buffer: ArrayBuffer) => {
      this.requested = false;
      this.batches.push(Buffer.from(buffer));
      this.refill();
    });
    // Without its thread the pool stays empty and every signature is deterministic.
    this.worker.on('error', () => undefined);
    this.refill();
  }

  /** A nonce nobody has had, or undefined when none is ready. */
  take(): Buffer | undefined {
    const batch = this.batches[0];
    if (batch === undefined) return undefined;
    const nonce = batch.subarray(this.offset, this.offset + NONCE_BYTES);
    this.offset += NONCE_BYTES;
    if (this.offset === batch.length) {
      this.batches.shift();
      this.offset = 0;
      this.refill();
    }
    return nonce;
  }

  /** Nonces ready. */
  get size(): number {
    return (this.batches.length * this.options.batch * NONCE_BYTES - this.offset) / NONCE_BYTES;
  }

  close(): Promise<number> {
    for (const b of this.batches) b.fill(0);
    this.batches.length = 0;
    return this.worker.terminate();
  }

  private refill(): void {
    if (this.requested || this.batches.length >= this.options.keep) return;
    this.requested = true;
    this.worker.postMessage(this.options.batch);
  }
}
