// A worker thread for work that comes in bursts: started by the first job, stopped once idle (a thread is a V8
// isolate of its own, ~10 MB of RSS and whatever it loads, which a gateway that does not need it should not keep),
// and fed all the jobs asked for in one event-loop turn as one message. What a message and its reply hold is the
// user's (`batch` and `results`); the reply carries the message's `id` back.
import type { Worker } from 'node:worker_threads';

type Waiter<Result> = { resolve: (result: Result) => void; reject: (err: Error) => void };

export interface OnDemandThreadOptions<Job, Result, Reply extends { id: number }> {
  /** Starts the thread: a startWorker call naming the module's URL literally, which is how bin/compile.mjs finds it. */
  start(): Worker;
  /** What a thread is told first, each time one starts (keys, settings). */
  greeting?(): unknown;
  /** The message for these jobs, given its id. */
  batch(id: number, jobs: Job[]): unknown;
  /** The results of a reply, one for each job of its message in order; an Error fails them all. */
  results(reply: Reply): Result[] | Error;
  /** How long the thread is kept without work before it stops. */
  idleMs: number;
  /** What a thread that died is called in the error its pending jobs get. */
  name: string;
}

export class OnDemandThread<Job, Result, Reply extends { id: number } = { id: number }> {
  private worker: Worker | undefined;
  private jobs: Job[] = [];
  private waiters: Array<Waiter<Result>> = [];
  private readonly pending = new Map<number, Array<Waiter<Result>>>();
  private next = 0;
  private scheduled = false;
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly options: OnDemandThreadOptions<Job, Result, Reply>) {}

  /** Whether the thread is running (a metric, and for tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Jobs are queued or in flight. */
  get busy(): boolean {
    return this.waiters.length > 0 || this.pending.size > 0;
  }

  run(job: Job): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.jobs.push(job);
      this.waiters.push({ resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** To the running thread, if one is (a thread started later gets the greeting instead). */
  tell(message: unknown): void {
    this.worker?.postMessage(message);
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
    this.thread().postMessage(this.options.batch(id, this.jobs));
    this.jobs = [];
    this.waiters = [];
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = this.options.start();
    worker.unref();
    if (this.options.greeting) worker.postMessage(this.options.greeting());
    worker.on('message', (reply: Reply) => {
      const waiters = this.pending.get(reply.id)!;
      this.pending.delete(reply.id);
      const results = this.options.results(reply);
      if (results instanceof Error) for (const w of waiters) w.reject(results);
      else waiters.forEach((w, i) => w.resolve(results[i]!));
      if (!this.busy) this.stopWhenIdle(worker);
    });
    const fail = (err: Error) => {
      // The next job starts a new thread.
      if (this.worker === worker) this.worker = undefined;
      for (const waiters of this.pending.values()) for (const w of waiters) w.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${this.options.name} exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stopWhenIdle(worker: Worker): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.busy || this.worker !== worker) return;
      this.worker = undefined;
      // Stopped on purpose: its exit must not fail jobs a new thread is already taking.
      worker.removeAllListeners('exit');
      void worker.terminate();
    }, this.options.idleMs);
    this.idle.unref();
  }
}
