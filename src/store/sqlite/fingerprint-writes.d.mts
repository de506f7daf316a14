import type Database from 'better-sqlite3';

/**
 * Outputs on their way to the writer thread, as few objects as possible (a structured clone costs per object
 * and per property): one string of lines and two arrays of numbers.
 */
export interface OutputBatch {
  /** Per output, a line of its request id, organisation, creation time and manifest, separated by tabs
   * (none of these contain a tab or a newline: Conduit's ids, ISO times, base64url). */
  lines: string;
  /** Every output's fingerprint set (ascending), one after another. */
  hashes: Uint32Array;
  /** How many hashes each output has, in order. */
  counts: Uint32Array;
  /** How many of each set's first (smallest) hashes go in the index. */
  indexed: number;
}

export interface FingerprintWrites {
  /** Returns how many outputs were written. */
  register(batch: OutputBatch): number;
  /** Forgets outputs registered before `before`; returns how many. */
  purge(before: string): number;
}

export function fingerprintWrites(db: Database.Database): FingerprintWrites;
