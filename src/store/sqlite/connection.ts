// Settings every connection to the embedded database gets: the gateway's own and the writer thread's.
import type Database from 'better-sqlite3';

/** WAL, synchronous NORMAL, a busy timeout, foreign keys and an 8 MB page cache. */
export function tuneConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed transaction survives a killed process (only power loss can drop the last ones).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Each connection's cache is RSS that a long-running gateway fills and keeps; past 8 MB it bought nothing
  // measurable (fingerprint registration and lookups in a 739 MB registry, ledger ingest), the kernel's page cache
  // holding the file either way. SQLite's default is 2 MB.
  db.pragma('cache_size = -8192');
}
