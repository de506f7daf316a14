import type Database from 'better-sqlite3';
import type { AbuseProfileRecord } from '../ports.ts';

/** A snapshot of the distillation detector on its way to the writer thread. */
export interface AbuseProfileBatch {
  records: AbuseProfileRecord[];
  removed: Array<Pick<AbuseProfileRecord, 'kind' | 'subject'>>;
}

/** Writes a batch in one transaction (records replace those of the same kind and subject); returns how many records. */
export function abuseWrites(db: Database.Database): (batch: AbuseProfileBatch) => number;
