// Who signs provenance manifests (hashing the text, encoding the claims, the Ed25519 signature): inline on the
// event loop, or on a signing thread that takes all the manifests requested in one event-loop turn as one
// message. Either way each signature is one whole library call (ed25519.ts); only the thread differs.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/worker.ts';
import { ed25519SigningKey, type Ed25519SigningKey } from './ed25519.ts';
import { signManifest } from './manifest-signing.ts';

export interface SignedManifest {
  manifest: string;
  content_sha256: string;
}

export interface Signer {
  addKey(kid: string, pem: string): void;
  /** The compact JWS over `claimsJson` (the claims' JSON, without the content hash) and the text's hash. */
  sign(kid: string, claimsJson: string, text: string): Promise<SignedManifest>;
  close(): Promise<void>;
}

export class InlineSigner implements Signer {
  private readonly keys = new Map<string, Ed25519SigningKey>();
  addKey(kid: string, pem: string): void {
    this.keys.set(kid, ed25519SigningKey(pem));
  }
  async sign(kid: string, claimsJson: string, text: string): Promise<SignedManifest> {
    return signManifest(this.keys.get(kid)!, kid, claimsJson, text);
  }
  async close(): Promise<void> {}
}

/**
 * Inline while the gateway is quiet (no signature waiting: one signature costs less than a thread round trip);
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

  sign(kid: string, claimsJson: string, text: string): Promise<SignedManifest> {
    if (this.thisTurn++ === 0) setImmediate(() => (this.thisTurn = 0));
    // Several responses finishing in one turn, or the thread already working: that is load.
    return this.thisTurn > 1 || this.thread.busy
      ? this.thread.sign(kid, claimsJson, text)
      : this.inline.sign(kid, claimsJson, text);
  }

  async close(): Promise<void> {
    await Promise.all([this.inline.close(), this.thread.close()]);
  }
}

/** How long the signing thread is kept without work before it stops (a later signature starts it again). */
export const SIGNING_THREAD_IDLE_MS = 30_000;

/**
 * Signs on a thread of its own, started on the first signature and stopped once idle for `idleMs`: a thread is a
 * V8 isolate of its own (~10 MB of RSS), which a gateway that is not under load does not need. All the manifests
 * asked for in one event-loop turn travel as one message: a flat array of strings out, one string of "manifest
 * hash" lines back.
 */
export class ThreadSigner implements Signer {
  private worker: Worker | undefined;
  /** Every key added, for each thread started. */
  private readonly keys: Array<[kid: string, pem: string]> = [];
  private jobs: string[] = [];
  private waiters: Waiter[] = [];
  private readonly pending = new Map<number, Waiter[]>();
  private next = 0;
  private scheduled = false;
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs = SIGNING_THREAD_IDLE_MS) {}

  /** Whether the thread is running (a metric, and for tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  addKey(kid: string, pem: string): void {
    this.keys.push([kid, pem]);
    this.worker?.postMessage({ keys: [[kid, pem]] });
  }

  /** Manifests are queued or in flight. */
  get busy(): boolean {
    return this.waiters.length > 0 || this.pending.size > 0;
  }

  sign(kid: string, claimsJson: string, text: string): Promise<SignedManifest> {
    return new Promise((resolve, reject) => {
      this.jobs.push(kid, claimsJson, text);
      this.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    clearTimeout(this.idle);
    const id = ++this.next;
    this.pending.set(id, this.waiters);
    this.thread().postMessage({ id, jobs: this.jobs });
    this.jobs = [];
    this.waiters = [];
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(new URL('./signer-worker.ts', import.meta.url));
    worker.unref();
    worker.postMessage({ keys: this.keys });
    worker.on('message', (m: { id: number; out: string }) => {
      const waiters = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      const lines = m.out.split('\n');
      for (let i = 0; i < waiters.length; i++) {
        const line = lines[i]!;
        const space = line.indexOf(' ');
        waiters[i]!.resolve({ manifest: line.slice(0, space), content_sha256: line.slice(space + 1) });
      }
      if (!this.busy) this.stopWhenIdle(worker);
    });
    const fail = (err: Error) => {
      // The next signature starts a new thread.
      if (this.worker === worker) this.worker = undefined;
      for (const waiters of this.pending.values()) for (const w of waiters) w.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`signing thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stopWhenIdle(worker: Worker): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.busy || this.worker !== worker) return;
      this.worker = undefined;
      // Stopped on purpose: its exit must not fail signatures a new thread is already taking.
      worker.removeAllListeners('exit');
      void worker.terminate();
    }, this.idleMs);
    this.idle.unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = undefined;
    worker?.removeAllListeners('exit');
    await worker?.terminate();
  }
}

type Waiter = { resolve: (m: SignedManifest) => void; reject: (e: Error) => void };
