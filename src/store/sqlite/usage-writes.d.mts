import type Database from 'better-sqlite3';

/**
 * Inserts the events in an outbox's JSON lines in one transaction and returns how many there were; events
 * already there (by request id) and torn lines are skipped.
 */
export function usageWrites(db: Database.Database): (jsonLines: string) => number;
