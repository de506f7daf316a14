import type Database from 'better-sqlite3';

/** One output as stored: its fingerprint set as a blob of uint32s, and the subset that goes in the index. */
export interface OutputRow {
  request_id: string;
  org_id: string;
  created_at: string;
  manifest: string;
  count: number;
  set: Uint8Array;
  indexed: number[];
}

export interface FingerprintWrites {
  register(rows: OutputRow[]): void;
  /** Forgets outputs registered before `before`; returns how many. */
  purge(before: string): number;
}

export function fingerprintWrites(db: Database.Database): FingerprintWrites;
