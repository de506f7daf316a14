// The gateway's side of the SQLite writer thread (writer.mjs): hands it batches and resolves once they are
// committed. Writes stay in order (one thread, one connection, messages handled one at a time).
import { Worker } from 'node:worker_threads';
import type { OutputRow } from './fingerprint-writes.mjs';

type Waiter = { resolve: (result: number) => void; reject: (err: Error) => void };
type Op = { op: 'usage'; arg: string } | { op: 'fingerprints'; arg: OutputRow[] } | { op: 'purgeFingerprints'; arg: string };

export class WriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Waiter>();
  private next = 0;
  private failure: Error | undefined;
  /** The last message sent: the thread answers in order, so once it settles every earlier one has. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.worker = new Worker(new URL('./writer.mjs', import.meta.url), { workerData: { file } });
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

  /** Inserts the events in an outbox's JSON lines. */
  insertUsage(jsonLines: string): Promise<number> {
    return this.send({ op: 'usage', arg: jsonLines });
  }

  registerFingerprints(rows: OutputRow[]): Promise<number> {
    return this.send({ op: 'fingerprints', arg: rows });
  }

  purgeFingerprints(before: string): Promise<number> {
    return this.send({ op: 'purgeFingerprints', arg: before });
  }

  /** Waits for writes in flight, then stops the thread. */
  async close(): Promise<void> {
    await this.last;
    await this.worker.terminate();
  }

  private send(message: Op): Promise<number> {
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
