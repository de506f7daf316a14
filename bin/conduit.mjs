#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node
// Entry point for `conduit` and `npm start`: runs the CLI from the TypeScript sources, compiled ahead by
// ./compile.mjs (once for each version of them), or, where that cannot be written, as they load (./ts-loader.mjs,
// registered by ./register-ts.mjs). Stack traces point into the sources either way. V8's own young generation
// (16 MB semi-spaces): a 32 MB one let a request's objects die young (A/B at c=64: streams +12%, JSON +3%), but its
// 64 MB stayed committed, 24 MB of the RSS with 1,000 streams open (issue 27); measured again on a loaded machine,
// streams 0.93x (median of 8 rounds, half of them within noise). glibc's malloc keeps at most two arenas: by
// default each of the gateway's threads (workers, libuv's pool, V8's helpers) may get one of up to 16, each
// holding freed memory of its own. Blocks of 64 KB and more get mappings of their own, returned when freed: glibc
// otherwise raises that threshold as such blocks are freed, and node's 64 KB socket reads then fragment the arenas.
// `npm start` runs this file, and the bench reads its environment and node flags from the first line.
import { compiledEntry } from './compile.mjs';

const compiled = await compiledEntry();
if (compiled) {
  process.setSourceMapsEnabled(true);
  await import(compiled);
} else {
  await import('./register-ts.mjs');
  await import('../src/cli/main.ts');
}
