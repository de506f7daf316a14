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

/**
 * Inline when the gateway is quiet (no signature waiting, so a thread round trip would only add latency),
 * on the signing thread once signatures queue up (under load, where the event loop's time is the limit).
 */
export class AdaptiveSigner implements Signer {
  private readonly inline = new InlineSigner();
  private readonly thread = new ThreadSigner();
  /** Signatures asked for in the current event-loop turn. */
  private thisTurn = 0;

  addKey(kid: string, pem: string): void {
    this.inline.addKey(kid, pem);
    this.thread.addKey(kid, pem);
  }

  sign(kid: string, input: string): Promise<string> {
    if (this.thisTurn++ === 0) setImmediate(() => (this.thisTurn = 0));
    // Several responses finishing in one turn, or the thread already working: that is load.
    return this.thisTurn > 1 || this.thread.busy ? this.thread.sign(kid, input) : this.inline.sign(kid, input);
  }

  async close(): Promise<void> {
    await this.thread.close();
  }
}

/**
 * Signs on a thread of its own. All the signatures asked for in one event-loop turn travel as one message of
 * one string each way ("kid input" lines out, signature lines back): copying a string across threads is a
 * memcpy, where an array of pairs is serialised element by element.
 */
export class ThreadSigner implements Signer {
  private readonly worker = new Worker(new URL('./signer-worker.mjs', import.meta.url));
  private jobs = '';
  private waiters: Array<{ resolve: (s: string) => void; reject: (e: Error) => void }> = [];
  private readonly pending = new Map<number, Array<{ resolve: (s: string) => void; reject: (e: Error) => void }>>();
  private next = 0;
  private scheduled = false;

  constructor() {
    this.worker.unref();
    this.worker.on('message', (m: { id: number; out: string }) => {
      const waiters = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      const signatures = m.out.split('\n');
      for (let i = 0; i < waiters.length; i++) waiters[i]!.resolve(signatures[i]!);
    });
    this.worker.on('error', (err) => {
      for (const waiters of this.pending.values()) for (const w of waiters) w.reject(err);
      this.pending.clear();
    });
  }

  addKey(kid: string, pem: string): void {
    this.worker.postMessage({ keys: [[kid, pem]] });
  }

  /** Signatures are queued or in flight. */
  get busy(): boolean {
    return this.waiters.length > 0 || this.pending.size > 0;
  }

  sign(kid: string, input: string): Promise<string> {
    // Key ids and JWS signing inputs are base64url and dots: nothing that could break the line framing.
    if (input.includes('\n') || kid.includes(' ')) return Promise.reject(new Error('ThreadSigner signs JWS signing inputs only (no newlines; key ids without spaces)'));
    return new Promise((resolve, reject) => {
      this.jobs += this.jobs === '' ? `${kid} ${input}` : `\n${kid} ${input}`;
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
    this.jobs = '';
    this.waiters = [];
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
