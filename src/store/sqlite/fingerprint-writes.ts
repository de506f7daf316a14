// The fingerprint registry's writes in SQLite. The writer thread (writer.ts) runs them; an in-memory database,
// which no other thread can open, runs them inline.
//
// The index is two tables, as a log-structured index would be. provenance_fingerprints_recent takes new rows,
// keyed by generation first (2^14 consecutive output ids): a batch's rows land among its own generation's
// pages. Once MERGE_AFTER generations have filled, they move into provenance_fingerprints, keyed by hash, in one
// pass in hash order. A verify reads the hash-keyed table once and each recent generation once. Inserting at
// random hashes straight into the big table rewrote pages all over it on every batch: registering an output
// cost more the more were registered.
import type Database from 'better-sqlite3';

/**
 * Outputs on their way to the writer thread, as few objects as possible (a structured clone costs per object
 * and per property): one string of lines and two arrays of numbers.
 */
export interface OutputBatch {
  /** Per output, a line of its request id, organisation, creation time and manifest, separated by tabs
   * (none of these contain a tab or a newline: Conduit's ids, ISO times, base64url). */
  lines: string;
  /** Every output's fingerprint set (ascending), one after another. */
  hashes: Uint32Array;
  /** How many hashes each output has, in order. */
  counts: Uint32Array;
  /** How many of each set's first (smallest) hashes go in the index. */
  indexed: number;
}

export interface FingerprintWrites {
  /** Returns how many outputs were written. */
  register(batch: OutputBatch): number;
  /** Forgets outputs registered before `before`; returns how many. */
  purge(before: string): number;
}

/** A generation is 2^14 consecutive output ids. */
const GENERATION_BITS = 14;
/** Generations kept in the recent table before they move: bigger moves rewrite the big table's pages less often. */
const MERGE_AFTER = 4;

/** Outputs per transaction: a whole batch from the registry (each commit rewrites every index page it touched). */
const CHUNK = 2000;

export function fingerprintWrites(db: Database.Database): FingerprintWrites {
  const insertOutput = db.prepare(
    'insert into provenance_outputs (request_id, org_id, created_at, manifest, fingerprint_count, fingerprints) values (?, ?, ?, ?, ?, ?)',
  );
  // Multi-row inserts by row count: one statement per output instead of one per fingerprint.
  const insertRows = new Map<number, Database.Statement>();
  const rowsStatement = (rows: number) => {
    let stmt = insertRows.get(rows);
    if (!stmt) {
      stmt = db.prepare(
        `insert or ignore into provenance_fingerprints_recent (generation, hash, output_id) values ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')}`,
      );
      insertRows.set(rows, stmt);
    }
    return stmt;
  };
  const oldestRecent = db
    .prepare<[], number | null>('select min(generation) as generation from provenance_fingerprints_recent')
    .pluck();
  const moveRows = db.prepare(
    'insert or ignore into provenance_fingerprints (hash, output_id) select hash, output_id from provenance_fingerprints_recent where generation < ? order by hash, output_id',
  );
  const dropRecent = db.prepare('delete from provenance_fingerprints_recent where generation < ?');

  /** Writes outputs [from, to) of the batch; returns the last output id written. */
  const registerChunk = db.transaction(
    (batch: OutputBatch, lines: string[], starts: Uint32Array, from: number, to: number) => {
      let id = 0;
      for (let i = from; i < to; i++) {
        const fields = lines[i]!.split('\t');
        if (fields.length !== 4) throw new Error(`fingerprint batch: output ${i} has ${fields.length} fields, not 4`);
        const count = batch.counts[i]!;
        const set = batch.hashes.subarray(starts[i]!, starts[i]! + count);
        // A view of the hashes' bytes (SQLite binds a Buffer as a blob): no copy.
        id = Number(
          insertOutput.run(
            fields[0],
            fields[1],
            fields[2],
            fields[3],
            count,
            Buffer.from(set.buffer, set.byteOffset, set.byteLength),
          ).lastInsertRowid,
        );
        const indexed = Math.min(count, batch.indexed);
        if (indexed === 0) continue;
        const generation = id >>> GENERATION_BITS;
        const params: number[] = [];
        for (let k = 0; k < indexed; k++) params.push(generation, set[k]!, id);
        rowsStatement(indexed).run(...params);
      }
      return id;
    },
  );
  const moveFilledGenerations = db.transaction((current: number) => {
    moveRows.run(current);
    dropRecent.run(current);
  });
  const purge = db.transaction((before: string) => {
    const old = 'select id from provenance_outputs where created_at < ?';
    db.prepare(`delete from provenance_fingerprints where output_id in (${old})`).run(before);
    db.prepare(`delete from provenance_fingerprints_recent where output_id in (${old})`).run(before);
    return db.prepare('delete from provenance_outputs where created_at < ?').run(before).changes;
  });
  return {
    register(batch) {
      const lines = batch.lines.split('\n');
      if (lines.length !== batch.counts.length)
        throw new Error(`fingerprint batch: ${lines.length} outputs, ${batch.counts.length} counts`);
      const starts = new Uint32Array(lines.length);
      for (let i = 1; i < lines.length; i++) starts[i] = starts[i - 1]! + batch.counts[i - 1]!;
      for (let i = 0; i < lines.length; i += CHUNK) {
        const current = registerChunk(batch, lines, starts, i, Math.min(lines.length, i + CHUNK)) >>> GENERATION_BITS;
        const oldest = oldestRecent.get();
        if (oldest !== null && oldest !== undefined && current - oldest >= MERGE_AFTER) moveFilledGenerations(current);
      }
      return lines.length;
    },
    purge,
  };
}
