import type Database from 'better-sqlite3';
import type { UsageEvent } from '../ports.ts';

/**
 * Inserts the events in an outbox's JSON lines in one transaction and returns how many there were; a row is
 * replaced only by a record of the same request id that outranks it (see UsageEvent.interim), torn lines are skipped.
 */
export function usageWrites(db: Database.Database): (jsonLines: string) => number;

/** The events in outbox lines, one per request id (the highest-ranked), torn lines skipped. */
export function parseUsageLines(jsonLines: string): UsageEvent[];

/** An interim record's number; Infinity for a final event. */
export function rankOf(event: Pick<UsageEvent, 'interim'>): number;
