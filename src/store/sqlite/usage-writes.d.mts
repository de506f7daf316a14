import type Database from 'better-sqlite3';
import type { UsageEvent } from '../ports.ts';

/** Inserts events in one transaction; events already there (by request id) are skipped. */
export function usageWrites(db: Database.Database): (events: UsageEvent[]) => void;
