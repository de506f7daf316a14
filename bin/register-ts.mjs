// Registers ./ts-loader.mjs's hooks for the thread that imports this file: bin/conduit.mjs's main thread where the
// sources cannot be compiled ahead (./compile.mjs), and every worker thread run from the sources (src/util/worker.ts
// starts each with `--import` of this file).
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-loader.mjs', import.meta.url);
