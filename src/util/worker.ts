// Worker threads written in TypeScript. A worker thread inherits neither the module hooks its parent registered
// (bin/conduit.mjs's) nor Vitest's compiler, so each one imports bin/register-ts.mjs first: the same esbuild
// hooks as the gateway's, under `conduit`, tsx and Vitest alike. Only that flag, not the parent's execArgv: a
// worker refuses V8 flags such as --max-semi-space-size (process-wide, so it has them anyway).
// Run by `conduit` (bin/compile.mjs), each worker's module has a bundle of its own, compiled with the rest: no hooks.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Where the sources were compiled to: defined by bin/compile.mjs in what it compiles, absent everywhere else. */
declare const CONDUIT_COMPILED: { src: string; out: string } | undefined;

const registerTs = new URL('../../bin/register-ts.mjs', import.meta.url).href;

/** Starts the TypeScript module at `file` (a URL beside the caller's) on a thread of its own. */
export function startWorker(file: URL, options: Omit<WorkerOptions, 'execArgv'> = {}): Worker {
  if (typeof CONDUIT_COMPILED !== 'undefined' && file.href.startsWith(CONDUIT_COMPILED.src))
    return new Worker(
      new URL(CONDUIT_COMPILED.out + file.href.slice(CONDUIT_COMPILED.src.length, -'.ts'.length) + '.js'),
      options,
    );
  return new Worker(file, { ...options, execArgv: ['--import', registerTs] });
}
