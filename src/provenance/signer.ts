// Who signs provenance manifests (hashing the text, encoding the claims, the Ed25519 signature): inline on the
// event loop, or on a signing thread that takes all the manifests requested in one event-loop turn as one
// message. Either way each signature is one whole library call (ed25519.ts); only the thread differs.
import { LoopBudget } from '../util/loop-budget.ts';
import { OnDemandThread } from '../util/on-demand-thread.ts';
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
 * Inline while the gateway is quiet or signing takes little of the event loop; on the signing thread once
 * signatures queue up (several asked for in one event-loop turn) and inline signing has taken more than its budget,
 * 20 ms a second by default (about 600 signatures of a 1 KB reply), and for as long as the thread has signatures in
 * hand: under load, where the event loop's time is the limit. One signature at a time (a client waiting on each
 * reply) stays inline, where a thread's round trip would only add to its wait.
 */
export class AdaptiveSigner implements Signer {
  private readonly inline = new InlineSigner();
  private readonly thread = new ThreadSigner();
  /** Signatures asked for in the current event-loop turn. */
  private thisTurn = 0;

  /** `budget`: how much of the event loop's time inline signing may take before signatures go to the thread. */
  constructor(private readonly budget = new LoopBudget(20, 1_000)) {}

  /** Whether the signing thread is running (for tests). */
  get threadRunning(): boolean {
    return this.thread.running;
  }

  addKey(kid: string, pem: string): void {
    this.inline.addKey(kid, pem);
    this.thread.addKey(kid, pem);
  }

  sign(kid: string, claimsJson: string, text: string): Promise<SignedManifest> {
    if (this.thisTurn++ === 0) setImmediate(() => (this.thisTurn = 0));
    return this.thread.busy || (this.thisTurn > 1 && !this.budget.available)
      ? this.thread.sign(kid, claimsJson, text)
      : this.budget.spend(() => this.inline.sign(kid, claimsJson, text));
  }

  async close(): Promise<void> {
    await Promise.all([this.inline.close(), this.thread.close()]);
  }
}

/** How long the signing thread is kept without work before it stops (a later signature starts it again). */
export const SIGNING_THREAD_IDLE_MS = 30_000;

/**
 * Signs on a thread of its own, started on the first signature and stopped once idle for `idleMs`. All the
 * manifests asked for in one event-loop turn travel as one message: a flat array of strings out, one string of
 * "manifest hash" lines back.
 */
export class ThreadSigner implements Signer {
  /** Every key added, for each thread started. */
  private readonly keys: Array<[kid: string, pem: string]> = [];
  private readonly thread: OnDemandThread<
    [kid: string, claimsJson: string, text: string],
    SignedManifest,
    { id: number; out: string }
  >;

  constructor(idleMs = SIGNING_THREAD_IDLE_MS) {
    this.thread = new OnDemandThread({
      name: 'signing thread',
      idleMs,
      start: () => startWorker(new URL('./signer-worker.ts', import.meta.url)),
      greeting: () => ({ keys: this.keys }),
      batch: (id, jobs) => ({ id, jobs: jobs.flat() }),
      results: (reply) =>
        reply.out.split('\n').map((line) => {
          const space = line.indexOf(' ');
          return { manifest: line.slice(0, space), content_sha256: line.slice(space + 1) };
        }),
    });
  }

  /** Whether the thread is running (a metric, and for tests). */
  get running(): boolean {
    return this.thread.running;
  }

  /** Manifests are queued or in flight. */
  get busy(): boolean {
    return this.thread.busy;
  }

  addKey(kid: string, pem: string): void {
    this.keys.push([kid, pem]);
    this.thread.tell({ keys: [[kid, pem]] });
  }

  sign(kid: string, claimsJson: string, text: string): Promise<SignedManifest> {
    return this.thread.run([kid, claimsJson, text]);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
