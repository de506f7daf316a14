// Token counts on a thread of its own. Building the tokenizer takes seconds and some 60 MB: on the event loop, the
// first stream cut short stalled every request under way while it loaded, and the memory stayed for the process's
// life. The thread starts on the first count and stops once idle; counts asked for in one event-loop turn travel as
// one message.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/worker.ts';

/** How long the thread is kept without a count before it stops (the next count starts it again). */
export const TOKEN_THREAD_IDLE_MS = 300_000;

type Waiter = { resolve: (count: number) => void; reject: (err: Error) => void };
type Reply = { id: number; counts: number[]; error?: undefined } | { id: number; error: string };

export class TokenCountThread {
  private worker: Worker | undefined;
  private texts: string[] = [];
  private waiters: Waiter[] = [];
  private readonly pending = new Map<number, Waiter[]>();
  private next = 0;
  private scheduled = false;
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs = TOKEN_THREAD_IDLE_MS) {}

  /** Whether the thread is running (for tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  count(text: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.texts.push(text);
      this.waiters.push({ resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = undefined;
    worker?.removeAllListeners('exit');
    await worker?.terminate();
  }

  private flush(): void {
    this.scheduled = false;
    clearTimeout(this.idle);
    const id = ++this.next;
    this.pending.set(id, this.waiters);
    this.thread().postMessage({ id, texts: this.texts });
    this.texts = [];
    this.waiters = [];
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    // A small young generation: the tokenizer is built once and lives long, and a default-sized one added some
    // 40 MB of RSS while 1,000 cut streams were counted.
    const worker = startWorker(new URL('./token-count-worker.ts', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiters = this.pending.get(reply.id)!;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) {
        const err = new Error(`token count failed: ${reply.error}`);
        for (const w of waiters) w.reject(err);
      } else waiters.forEach((w, i) => w.resolve(reply.counts[i]!));
      if (this.pending.size === 0 && this.waiters.length === 0) this.stopWhenIdle(worker);
    });
    const fail = (err: Error) => {
      // The next count starts a new thread.
      if (this.worker === worker) this.worker = undefined;
      for (const waiters of this.pending.values()) for (const w of waiters) w.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`token-counting thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stopWhenIdle(worker: Worker): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.pending.size > 0 || this.waiters.length > 0 || this.worker !== worker) return;
      this.worker = undefined;
      // Stopped on purpose: its exit must not fail counts a new thread is already taking.
      worker.removeAllListeners('exit');
      void worker.terminate();
    }, this.idleMs);
    this.idle.unref();
  }
}
