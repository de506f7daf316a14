// Counts tokens on a thread of its own (token-count-worker.ts), for counts nothing on the request path waits
// for (a stream's interim usage records). Started on first use: loading the tokenizer costs ~2 s of CPU and
// ~100 MB, which a gateway that never needs it never pays.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/worker.ts';

type Waiter = { resolve: (counts: number[]) => void; reject: (err: Error) => void };

export class TokenCountThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Waiter>();
  private next = 0;

  /** Tokens in each text, in order. */
  count(texts: string[]): Promise<number[]> {
    const worker = this.worker ?? this.start();
    return new Promise((resolve, reject) => {
      const id = ++this.next;
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, texts });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = startWorker(new URL('./token-count-worker.ts', import.meta.url));
    worker.unref();
    worker.on('message', (m: { id: number; counts?: number[]; error?: string }) => {
      const waiter = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      if (m.error !== undefined) waiter.reject(new Error(`token counter: ${m.error}`));
      else waiter.resolve(m.counts!);
    });
    const fail = (err: Error) => {
      // The next count starts a new thread.
      if (this.worker === worker) this.worker = undefined;
      for (const w of this.pending.values()) w.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`token counter thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
