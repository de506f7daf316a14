// The embedded store's bulk writes (usage events from the outbox, fingerprint registrations, retention
// purges, the distillation detector's snapshots): for a file database, inline while few and on the SQLite writer
// thread (writer.ts) under load; inline on the gateway's own connection for an in-memory one, which no other
// thread can open. Either way they resolve once committed.
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { LoopBudget } from '../../util/loop-budget.ts';
import { startWorker } from '../../util/worker.ts';
import { abuseWrites, type AbuseProfileBatch } from './abuse-writes.ts';
import { fingerprintWrites, type OutputBatch } from './fingerprint-writes.ts';
import { usageWrites } from './usage-writes.ts';

export interface BulkWrites {
  /** Inserts the events in an outbox's JSON lines; resolves to how many there were. */
  insertUsage(jsonLines: string): Promise<number>;
  registerFingerprints(batch: OutputBatch): Promise<number>;
  purgeFingerprints(before: string): Promise<number>;
  /** Writes a snapshot of the distillation detector's profiles; resolves to how many. */
  saveAbuseProfiles(batch: AbuseProfileBatch): Promise<number>;
  /** Waits for writes in flight, then stops. */
  close(): Promise<void>;
}

export function inlineWrites(raw: Database.Database): BulkWrites {
  const fingerprints = fingerprintWrites(raw);
  const insertUsage = usageWrites(raw);
  const saveAbuseProfiles = abuseWrites(raw);
  return {
    insertUsage: async (jsonLines) => insertUsage(jsonLines),
    registerFingerprints: async (batch) => fingerprints.register(batch),
    purgeFingerprints: async (before) => fingerprints.purge(before),
    saveAbuseProfiles: async (batch) => saveAbuseProfiles(batch),
    close: async () => undefined,
  };
}

type Waiter = { resolve: (result: number) => void; reject: (err: Error) => void };
/** What the writer thread (writer.ts) is asked to do. */
export type WriterMessage =
  | { op: 'usage'; arg: string }
  | { op: 'fingerprints'; arg: OutputBatch }
  | { op: 'purgeFingerprints'; arg: string }
  | { op: 'abuseProfiles'; arg: AbuseProfileBatch };

/** How long the writer thread is kept without writes before it stops (the next write starts it again). */
export const WRITER_IDLE_MS = 30_000;

/**
 * Writes stay in order: one thread, one connection, messages handled one at a time. The thread starts with the
 * first write and stops once idle for `idleMs`; one that died fails the writes it held, and the next write starts
 * another.
 */
export class WriterThread implements BulkWrites {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Waiter>();
  private next = 0;
  private idle: NodeJS.Timeout | undefined;
  /** The last message sent: the thread answers in order, so once it settles every earlier one has. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly idleMs = WRITER_IDLE_MS,
  ) {}

  /** Messages sent and not yet answered (a metric: the thread's backlog). */
  get queued(): number {
    return this.pending.size;
  }

  /** Whether the thread is running (for tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  insertUsage(jsonLines: string): Promise<number> {
    return this.send({ op: 'usage', arg: jsonLines });
  }

  registerFingerprints(batch: OutputBatch): Promise<number> {
    return this.send({ op: 'fingerprints', arg: batch });
  }

  purgeFingerprints(before: string): Promise<number> {
    return this.send({ op: 'purgeFingerprints', arg: before });
  }

  saveAbuseProfiles(batch: AbuseProfileBatch): Promise<number> {
    return this.send({ op: 'abuseProfiles', arg: batch });
  }

  async close(): Promise<void> {
    await this.last;
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = undefined;
    worker?.removeAllListeners('exit');
    await worker?.terminate();
  }

  private send(message: WriterMessage): Promise<number> {
    const worker = this.thread();
    clearTimeout(this.idle);
    const reply = new Promise<number>((resolve, reject) => {
      const id = ++this.next;
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
    this.last = reply.catch(() => undefined);
    return reply;
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(new URL('./writer.ts', import.meta.url), { workerData: { file: this.file } });
    worker.unref();
    worker.on('message', (m: { id: number; result?: number; error?: string }) => {
      const waiter = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      if (m.error !== undefined) waiter.reject(new Error(`SQLite writer: ${m.error}`));
      else waiter.resolve(m.result!);
      if (this.pending.size === 0) this.stopWhenIdle(worker);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const w of this.pending.values()) w.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`SQLite writer thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stopWhenIdle(worker: Worker): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.pending.size > 0 || this.worker !== worker) return;
      this.worker = undefined;
      // Stopped on purpose: its exit must not fail writes a new thread is already taking.
      worker.removeAllListeners('exit');
      void worker.terminate();
    }, this.idleMs);
    this.idle.unref();
  }
}

/** How much of the event loop's time the small writes may take inline (per window) before they go to the thread. */
export interface WriteBudget {
  inlineMs: number;
  windowMs: number;
}

/** The most events or outputs a write may hold to run inline: a quiet gateway's batches hold one or a few. */
const INLINE_ITEMS = 8;

/** Whether `text` holds at most `max` lines. */
function fewLines(text: string, max: number): boolean {
  for (let at = -1, n = 0; (at = text.indexOf('\n', at + 1)) !== -1;) if (++n > max) return false;
  return true;
}

/**
 * A file database's bulk writes: small batches of usage events and fingerprint registrations inline on the
 * gateway's connection while they take little of the event loop (a quiet gateway writes a few a second, tens of
 * microseconds each), and on the writer thread when larger, past a budget of 5 ms a second, while the thread
 * holds writes (so that they stay in order), or while the connection is inside a transaction. Purges and the
 * detector's snapshots, which can take long, always go to the thread. Under load every batch is large: the
 * thread takes them all, and starts only then.
 */
export class AdaptiveWrites implements BulkWrites {
  private readonly inline: BulkWrites;
  private readonly budget: LoopBudget;

  constructor(
    private readonly raw: Database.Database,
    private readonly thread: WriterThread,
    { inlineMs, windowMs }: WriteBudget = { inlineMs: 5, windowMs: 1_000 },
  ) {
    this.inline = inlineWrites(raw);
    this.budget = new LoopBudget(inlineMs, windowMs);
  }

  /** Writes sent to the thread and not yet answered (a metric). */
  get queued(): number {
    return this.thread.queued;
  }

  insertUsage(jsonLines: string): Promise<number> {
    return fewLines(jsonLines, INLINE_ITEMS) && this.inlineNow()
      ? this.budget.spend(() => this.inline.insertUsage(jsonLines))
      : this.thread.insertUsage(jsonLines);
  }

  registerFingerprints(batch: OutputBatch): Promise<number> {
    return batch.counts.length <= INLINE_ITEMS && this.inlineNow()
      ? this.budget.spend(() => this.inline.registerFingerprints(batch))
      : this.thread.registerFingerprints(batch);
  }

  purgeFingerprints(before: string): Promise<number> {
    return this.thread.purgeFingerprints(before);
  }

  saveAbuseProfiles(batch: AbuseProfileBatch): Promise<number> {
    return this.thread.saveAbuseProfiles(batch);
  }

  close(): Promise<void> {
    return this.thread.close();
  }

  /**
   * Not while the gateway's connection is inside a transaction (the audit log's append spans awaits): a write there
   * would be a savepoint of it, rolled back with it after the outbox had let its events go.
   */
  private inlineNow(): boolean {
    return this.thread.queued === 0 && !this.raw.inTransaction && this.budget.available;
  }
}
