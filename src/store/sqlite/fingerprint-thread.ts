// The gateway's side of the fingerprint writer thread: hands it batches of rows and resolves when they are
// committed. Writes stay in order (one thread, one connection, messages handled one at a time).
import { Worker } from 'node:worker_threads';
import type { OutputRow } from './fingerprint-writes.mjs';

type Waiter = { resolve: (result: number) => void; reject: (err: Error) => void };

export class FingerprintWriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Waiter>();
  private next = 0;
  private failure: Error | undefined;
  /** The last message sent: the thread answers in order, so once it settles every earlier one has. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.worker = new Worker(new URL('./fingerprint-writer.mjs', import.meta.url), { workerData: { file } });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; result?: number; error?: string }) => {
      const waiter = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      if (m.error !== undefined) waiter.reject(new Error(`fingerprint writer: ${m.error}`));
      else waiter.resolve(m.result!);
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const w of this.pending.values()) w.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`fingerprint writer thread exited (code ${code})`)));
  }

  register(rows: OutputRow[]): Promise<void> {
    return this.send({ rows }).then(() => undefined);
  }

  purge(before: string): Promise<number> {
    return this.send({ purge: before });
  }

  /** Waits for writes in flight, then stops the thread. */
  async close(): Promise<void> {
    await this.last;
    await this.worker.terminate();
  }

  private send(message: { rows: OutputRow[] } | { purge: string }): Promise<number> {
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
