import type Database from 'better-sqlite3';

/** WAL, synchronous NORMAL, a busy timeout, foreign keys and a 64 MB page cache. */
export function tuneConnection(db: Database.Database): void;
