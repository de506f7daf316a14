// The distillation detector's snapshots into SQLite: profiles written (or replaced) and removed in one
// transaction. The writer thread (writer.ts) runs it; an in-memory database, which no other thread can open,
// runs it inline.
import type Database from 'better-sqlite3';
import type { AbuseProfileRecord } from '../ports.ts';

/** A snapshot of the distillation detector on its way to the writer thread. */
export interface AbuseProfileBatch {
  records: AbuseProfileRecord[];
  removed: Array<Pick<AbuseProfileRecord, 'kind' | 'subject'>>;
}

/** Returns a function that writes a snapshot batch in one transaction and answers how many profiles it wrote. */
export function abuseWrites(db: Database.Database): (batch: AbuseProfileBatch) => number {
  const upsert = db.prepare(
    `insert into abuse_profiles (kind, subject, updated_at, state, sketch) values (?, ?, ?, ?, ?)
     on conflict (kind, subject) do update set updated_at = excluded.updated_at, state = excluded.state, sketch = excluded.sketch`,
  );
  const remove = db.prepare('delete from abuse_profiles where kind = ? and subject = ?');
  const write = db.transaction((batch: AbuseProfileBatch) => {
    for (const r of batch.records)
      upsert.run(
        r.kind,
        r.subject,
        r.updated_at,
        JSON.stringify(r.state),
        Buffer.from(r.sketch.buffer, r.sketch.byteOffset, r.sketch.byteLength),
      );
    for (const r of batch.removed) remove.run(r.kind, r.subject);
  });
  return (batch) => {
    write(batch);
    return batch.records.length;
  };
}
