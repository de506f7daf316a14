// The fingerprint registry's writes in SQLite. Plain JavaScript so that the writer thread (writer.mjs) runs it
// without the TypeScript loader; an in-memory database, which no other thread can open, runs it inline.
//
// The index is two tables, as a log-structured index would be. provenance_fingerprints_recent takes new rows,
// keyed by generation first (2^14 consecutive output ids): a batch's rows land among its own generation's
// pages. Once MERGE_AFTER generations have filled, they move into provenance_fingerprints, keyed by hash, in one
// pass in hash order. A verify reads the hash-keyed table once and each recent generation once. Inserting at
// random hashes straight into the big table rewrote pages all over it on every batch: registering an output
// cost more the more were registered (about 100 µs at 400k outputs; 25 µs this way).

/** A generation is 2^14 consecutive output ids. */
const GENERATION_BITS = 14;
/** Generations kept in the recent table before they move: bigger moves rewrite the big table's pages less often. */
const MERGE_AFTER = 4;

/** Outputs per transaction: a whole batch from the registry (each commit rewrites every index page it touched). */
const CHUNK = 2000;

export function fingerprintWrites(db) {
  const insertOutput = db.prepare('insert into provenance_outputs (request_id, org_id, created_at, manifest, fingerprint_count, fingerprints) values (?, ?, ?, ?, ?, ?)');
  // Multi-row inserts by row count: one statement per output instead of one per fingerprint.
  const insertRows = new Map();
  const rowsStatement = (rows) => {
    let stmt = insertRows.get(rows);
    if (!stmt) {
      stmt = db.prepare(`insert or ignore into provenance_fingerprints_recent (generation, hash, output_id) values ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')}`);
      insertRows.set(rows, stmt);
    }
    return stmt;
  };
  const oldestRecent = db.prepare('select min(generation) as generation from provenance_fingerprints_recent').pluck();
  const moveRows = db.prepare('insert or ignore into provenance_fingerprints (hash, output_id) select hash, output_id from provenance_fingerprints_recent where generation < ? order by hash, output_id');
  const dropRecent = db.prepare('delete from provenance_fingerprints_recent where generation < ?');

  /** Returns the last output id written. */
  const registerChunk = db.transaction((rows) => {
    let id = 0;
    for (const o of rows) {
      // A Buffer arrives from another thread as a plain Uint8Array, which SQLite would not bind as a blob.
      const set = Buffer.isBuffer(o.set) ? o.set : Buffer.from(o.set.buffer, o.set.byteOffset, o.set.byteLength);
      id = Number(insertOutput.run(o.request_id, o.org_id, o.created_at, o.manifest, o.count, set).lastInsertRowid);
      if (o.indexed.length === 0) continue;
      const generation = id >>> GENERATION_BITS;
      const params = [];
      for (const h of o.indexed) params.push(generation, h, id);
      rowsStatement(o.indexed.length).run(...params);
    }
    return id;
  });
  const moveFilledGenerations = db.transaction((current) => {
    moveRows.run(current);
    dropRecent.run(current);
  });
  const purge = db.transaction((before) => {
    const old = 'select id from provenance_outputs where created_at < ?';
    db.prepare(`delete from provenance_fingerprints where output_id in (${old})`).run(before);
    db.prepare(`delete from provenance_fingerprints_recent where output_id in (${old})`).run(before);
    return db.prepare('delete from provenance_outputs where created_at < ?').run(before).changes;
  });
  return {
    register(rows) {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const current = registerChunk(rows.slice(i, i + CHUNK)) >>> GENERATION_BITS;
        const oldest = oldestRecent.get();
        if (oldest !== null && current - oldest >= MERGE_AFTER) moveFilledGenerations(current);
      }
    },
    purge,
  };
}
