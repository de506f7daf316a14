// Who computes manifest signatures: inline on the event loop, or on a signing thread that takes all the
// signatures requested in one event-loop turn as one message (an Ed25519 signature is ~20 µs of CPU, paid
// on every response).
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface Signer {
  addKey(kid: string, pem: string): void;
  /** Base64url Ed25519 signature of `input` with key `kid`. */
  sign(kid: string, input: string): Promise<string>;
  close(): Promise<void>;
}

export class InlineSigner implements Signer {
  private readonly keys = new Map<string, KeyObject>();
  addKey(kid: string, pem: string): void {
    this.keys.set(kid, createPrivateKey(pem));
  }
  async sign(kid: string, input: string): Promise<string> {
    return sign(null, Buffer.from(input), this.keys.get(kid)!).toString('base64url');
  }
  async close(): Promise<void> {}
}

export class ThreadSigner implements Signer {
  private readonly worker = new Worker(new URL('./signer-worker.mjs', import.meta.url));
  private jobs: Array<[string, string]> = [];
  private waiters: Array<{ resolve: (s: string) => void; reject: (e: Error) => void }> = [];
  private readonly pending = new Map<number, Array<{ resolve: (s: string) => void; reject: (e: Error) => void }>>();
  private next = 0;
  private scheduled = false;

  constructor() {
    this.worker.unref();
    this.worker.on('message', (m: { id: number; out: string[] }) => {
      const waiters = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      waiters.forEach((w, i) => w.resolve(m.out[i]!));
    });
    this.worker.on('error', (err) => {
      for (const waiters of this.pending.values()) for (const w of waiters) w.reject(err);
      this.pending.clear();
    });
  }

  addKey(kid: string, pem: string): void {
    this.worker.postMessage({ keys: [[kid, pem]] });
  }

  sign(kid: string, input: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.jobs.push([kid, input]);
      this.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const id = ++this.next;
    this.pending.set(id, this.waiters);
    this.worker.postMessage({ id, jobs: this.jobs });
    this.jobs = [];
    this.waiters = [];
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
