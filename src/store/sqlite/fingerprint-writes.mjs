// The fingerprint registry's writes in SQLite: outputs with their fingerprint sets, and index rows keyed by
// (hash, output id). Plain JavaScript so that the writer thread (fingerprint-writer.mjs) runs it without the
// TypeScript loader; an in-memory database, which no other thread can open, runs it inline.

/** Outputs per transaction: long enough to share index page writes, short enough not to hold the write lock long. */
const CHUNK = 500;

export function fingerprintWrites(db) {
  const insertOutput = db.prepare('insert into provenance_outputs (request_id, org_id, created_at, manifest, fingerprint_count, fingerprints) values (?, ?, ?, ?, ?, ?)');
  // Multi-row inserts by row count: one statement per output instead of one per fingerprint.
  const insertRows = new Map();
  const rowsStatement = (rows) => {
    let stmt = insertRows.get(rows);
    if (!stmt) {
      stmt = db.prepare(`insert or ignore into provenance_fingerprints (hash, output_id) values ${Array.from({ length: rows }, () => '(?, ?)').join(', ')}`);
      insertRows.set(rows, stmt);
    }
    return stmt;
  };
  const registerChunk = db.transaction((rows) => {
    for (const o of rows) {
      // A Buffer arrives from another thread as a plain Uint8Array, which SQLite would not bind as a blob.
      const set = Buffer.isBuffer(o.set) ? o.set : Buffer.from(o.set.buffer, o.set.byteOffset, o.set.byteLength);
      const id = Number(insertOutput.run(o.request_id, o.org_id, o.created_at, o.manifest, o.count, set).lastInsertRowid);
      if (o.indexed.length === 0) continue;
      const params = [];
      for (const h of o.indexed) params.push(h, id);
      rowsStatement(o.indexed.length).run(...params);
    }
  });
  const purge = db.transaction((before) => {
    db.prepare('delete from provenance_fingerprints where output_id in (select id from provenance_outputs where created_at < ?)').run(before);
    return db.prepare('delete from provenance_outputs where created_at < ?').run(before).changes;
  });
  return {
    register(rows) {
      for (let i = 0; i < rows.length; i += CHUNK) registerChunk(rows.slice(i, i + CHUNK));
    },
    purge,
  };
}
