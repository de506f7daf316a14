// Settings every connection to the embedded database gets: the gateway's own and the writer thread's.
import type Database from 'better-sqlite3';

/** WAL, synchronous NORMAL, a busy timeout, foreign keys and a 64 MB page cache. */
export function tuneConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed transaction survives a killed process (only power loss can drop the last ones).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // A bigger page cache keeps the fingerprint index's hot pages in memory (default is 2 MB).
  db.pragma('cache_size = -65536');
}
