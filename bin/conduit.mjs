#!/usr/bin/env node
// Entry point for `conduit` and `npm start`: compiles the TypeScript sources as they load (./ts-loader.mjs)
// and runs the CLI. Stack traces point into the sources.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-loader.mjs', import.meta.url);
await import('../src/cli/main.ts');
