// undici's connection pool and its error classes, loaded from their own modules. undici's index loads all of it
// (fetch, WebSocket, caches, cookies, mocks), and its web modules read node's global File and Headers, which loads
// node's bundled copy of undici as well: 4.7 MB of heap against 1.7 MB for what the upstream calls use. undici has
// no exports map, so these paths are its files; an upgrade that moves them fails every upstream test at once.
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

/** A pool as its own module makes it: the index mixes the request helpers (request, stream, ...) in; we dispatch. */
export type Pool = Pick<Undici.Pool, 'dispatch' | 'close' | 'destroy'>;
export const Pool = require('undici/lib/dispatcher/pool.js') as new (
  origin: string,
  options: Undici.Pool.Options,
) => Pool;
export const undiciErrors = require('undici/lib/core/errors.js') as typeof Undici.errors;
