// The embedded store's bulk writes (usage events from the outbox, fingerprint registrations, retention
// purges, the distillation detector's snapshots): on the SQLite writer thread (writer.ts) for a file
// database, or inline on the gateway's own connection for an in-memory one, which no other thread can open.
// Either way they resolve once committed.
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
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

/** Writes stay in order: one thread, one connection, messages handled one at a time. */
export class WriterThread implements BulkWrites {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Waiter>();
  private next = 0;
  private failure: Error | undefined;
  /** The last message sent: the thread answers in order, so once it settles every earlier one has. */
  private last: Promise<unknown> = Promise.resolve();

  /** Messages sent and not yet answered (a metric: the thread's backlog). */
  get queued(): number {
    return this.pending.size;
  }

  constructor(file: string) {
    this.worker = startWorker(new URL('./writer.ts', import.meta.url), { workerData: { file } });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; result?: number; error?: string }) => {
      const waiter = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      if (m.error !== undefined) waiter.reject(new Error(`SQLite writer: ${m.error}`));
      else waiter.resolve(m.result!);
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const w of this.pending.values()) w.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`SQLite writer thread exited (code ${code})`)));
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
    await this.worker.terminate();
  }

  private send(message: WriterMessage): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = new Promise<number>((resolve, reject) => {
      const id = ++this.next;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
    this.last = reply.catch(() => undefined);
    return reply;
  }
}
