// The distillation detector's snapshots into SQLite: profiles written (or replaced) and removed in one
// transaction. Plain JavaScript so that the writer thread (writer.mjs) runs it without the TypeScript loader;
// an in-memory database, which no other thread can open, runs it inline.

/** Returns a function that writes a snapshot batch and answers how many profiles it wrote. */
export function abuseWrites(db) {
  const upsert = db.prepare(
    `insert into abuse_profiles (kind, subject, updated_at, state, sketch) values (?, ?, ?, ?, ?)
     on conflict (kind, subject) do update set updated_at = excluded.updated_at, state = excluded.state, sketch = excluded.sketch`,
  );
  const remove = db.prepare('delete from abuse_profiles where kind = ? and subject = ?');
  const write = db.transaction((batch) => {
    for (const r of batch.records) upsert.run(r.kind, r.subject, r.updated_at, JSON.stringify(r.state), Buffer.from(r.sketch.buffer, r.sketch.byteOffset, r.sketch.byteLength));
    for (const r of batch.removed) remove.run(r.kind, r.subject);
  });
  return (batch) => {
    write(batch);
    return batch.records.length;
  };
}
