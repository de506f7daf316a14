// Signing keys and the fingerprint registry in SQLite. Fingerprints live in WITHOUT ROWID tables keyed by
// (hash, output id) and, for the newest outputs, by generation first (see fingerprint-writes.ts): a verify is
// a few index lookups whatever the number of registered outputs. Reads run here; writes on the SQLite writer
// thread (see writer.ts).
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { BulkWrites } from './writer-thread.ts';
import {
  INDEXED_FINGERPRINTS,
  type FingerprintStore,
  type OutputRecord,
  type RegisteredOutput,
  type SigningKeyRecord,
} from '../ports.ts';
import { SqlSigningKeyStore } from '../sql/signing-keys.ts';

/** The shared signing-key store, with what SQLite needs to forget overwritten key material. */
export class SqliteSigningKeyStore extends SqlSigningKeyStore {
  constructor(
    db: Kysely<any>,
    private readonly raw: Database.Database,
  ) {
    super(db);
  }

  override async save(key: SigningKeyRecord): Promise<void> {
    // secure_delete: the bytes an update frees (a plaintext key being sealed) are zeroed, not left in the file's free
    // space. The pragma is the connection's, and Kysely runs on that same connection.
    const before = this.raw.pragma('secure_delete', { simple: true }) as number;
    this.raw.pragma('secure_delete = ON');
    try {
      await super.save(key);
    } finally {
      this.raw.pragma(`secure_delete = ${before ? 'ON' : 'OFF'}`);
    }
  }

  /** The WAL still holds the pages as they were before: write it back into the database and empty it. */
  async forgetOverwritten(): Promise<void> {
    const [result] = this.raw.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (result?.busy)
      throw new Error(
        'the WAL could not be emptied (a reader held it): overwritten key material may stay in conduit.sqlite-wal until the next checkpoint',
      );
  }
}

export class SqlFingerprintStore implements FingerprintStore {
  constructor(
    private readonly raw: Database.Database,
    private readonly writes: BulkWrites,
  ) {}

  async register(outputs: RegisteredOutput[]): Promise<void> {
    if (outputs.length === 0) return;
    const counts = new Uint32Array(outputs.length);
    let total = 0;
    for (let i = 0; i < outputs.length; i++) total += counts[i] = outputs[i]!.fingerprints.length;
    const hashes = new Uint32Array(total);
    let lines = '';
    for (let i = 0, at = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      hashes.set(o.fingerprints, at);
      at += o.fingerprints.length;
      lines += `${i === 0 ? '' : '\n'}${o.request_id}\t${o.org_id}\t${o.created_at}\t${o.manifest}`;
    }
    await this.writes.registerFingerprints({ lines, hashes, counts, indexed: INDEXED_FINGERPRINTS });
  }

  purge(before: string): Promise<number> {
    return this.writes.purgeFingerprints(before);
  }

  /** The hash-keyed index in one query, then each recent generation (see fingerprint-writes.ts). */
  async lookup(hashes: number[]): Promise<Array<{ hash: number; output_id: number }>> {
    // Two queries: SQLite reads min() or max() alone off the index, but both together by scanning the table.
    const recent = {
      first: this.raw.prepare('select min(generation) from provenance_fingerprints_recent').pluck().get() as
        number | null,
      last: this.raw.prepare('select max(generation) from provenance_fingerprints_recent').pluck().get() as
        number | null,
    };
    const out: Array<{ hash: number; output_id: number }> = [];
    for (let i = 0; i < hashes.length; i += 500) {
      const chunk = hashes.slice(i, i + 500);
      const list = chunk.map(() => '?').join(',');
      out.push(
        ...(this.raw
          .prepare(`select hash, output_id from provenance_fingerprints where hash in (${list})`)
          .all(...chunk) as Array<{ hash: number; output_id: number }>),
      );
      if (recent.first === null || recent.last === null) continue;
      const probe = this.raw.prepare(
        `select hash, output_id from provenance_fingerprints_recent where generation = ? and hash in (${list})`,
      );
      for (let g = recent.first; g <= recent.last; g++)
        out.push(...(probe.all(g, ...chunk) as Array<{ hash: number; output_id: number }>));
    }
    return out;
  }

  async outputs(ids: number[]): Promise<OutputRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.raw
      .prepare(`select * from provenance_outputs where id in (${ids.map(() => '?').join(',')})`)
      .all(...ids) as Array<Omit<OutputRecord, 'fingerprints'> & { fingerprints: Buffer | null }>;
    return rows.map((r) => {
      const blob = r.fingerprints;
      return {
        ...r,
        fingerprints: blob
          ? new Uint32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength))
          : new Uint32Array(0),
      };
    });
  }

  async stats(): Promise<{ outputs: number; fingerprints: number }> {
    const o = this.raw.prepare('select count(*) as n from provenance_outputs').get() as { n: number };
    const f = this.raw
      .prepare(
        'select (select count(*) from provenance_fingerprints) + (select count(*) from provenance_fingerprints_recent) as n',
      )
      .get() as { n: number };
    return { outputs: o.n, fingerprints: f.n };
  }
}
