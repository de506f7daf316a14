// Lowering a worker thread's scheduling priority, for threads whose work no response waits for.
import { setPriority } from 'node:os';

/** Sets the calling thread's nice value (on Linux, setpriority on the caller applies to that thread alone). */
export function lowerThisThreadPriority(nice: number): void {
  try {
    setPriority(nice);
  } catch {
    // Not permitted here: the thread keeps normal priority and its work still gets done.
  }
}
