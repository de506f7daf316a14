// Token counts on a thread of its own. Loading the tokenizer takes a fraction of a second and some 35 MB of RSS: on the
// event loop, the first stream cut short stalled every request under way while it loaded, and the memory stayed for the
// process's life. The thread starts on the first count and stops once idle; counts asked for in one event-loop turn
// travel as one message.
import { OnDemandThread } from '../util/on-demand-thread.ts';
import { startWorker } from '../util/worker.ts';

/**
 * How long the thread is kept without a count before it stops (the next count starts it again). A minute: loading
 * again costs the thread less than half a second, while its memory is the gateway's largest after a burst of cuts.
 */
export const TOKEN_THREAD_IDLE_MS = 60_000;

type Reply = { id: number; counts: number[]; error?: undefined } | { id: number; error: string };

export class TokenCountThread {
  private readonly thread: OnDemandThread<string, number, Reply>;

  constructor(idleMs = TOKEN_THREAD_IDLE_MS) {
    this.thread = new OnDemandThread({
      name: 'token-counting thread',
      idleMs,
      // A small young generation: the tokenizer is built once and lives long, and a default-sized one added some
      // 40 MB of RSS while 1,000 cut streams were counted.
      start: () =>
        startWorker(new URL('./token-count-worker.ts', import.meta.url), {
          resourceLimits: { maxYoungGenerationSizeMb: 4 },
        }),
      batch: (id, texts) => ({ id, texts }),
      results: (reply) => (reply.error === undefined ? reply.counts : new Error(`token count failed: ${reply.error}`)),
    });
  }

  /** Whether the thread is running (for tests). */
  get running(): boolean {
    return this.thread.running;
  }

  count(text: string): Promise<number> {
    return this.thread.run(text);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
