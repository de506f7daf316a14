// Worker threads written in TypeScript. A worker thread inherits neither the module hooks its parent registered
// (bin/conduit.mjs's) nor Vitest's compiler, so each one imports bin/register-ts.mjs first: the same esbuild
// hooks as the gateway's, under `conduit`, tsx and Vitest alike. Only that flag, not the parent's execArgv: a
// worker refuses V8 flags such as conduit's --max-semi-space-size (process-wide, so it has them anyway).
import { Worker, type WorkerOptions } from 'node:worker_threads';

const registerTs = new URL('../../bin/register-ts.mjs', import.meta.url).href;

/** Starts the TypeScript module at `file` (a URL beside the caller's) on a thread of its own. */
export function startWorker(file: URL, options: Omit<WorkerOptions, 'execArgv'> = {}): Worker {
  return new Worker(file, { ...options, execArgv: ['--import', registerTs] });
}
