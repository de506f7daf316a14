// Signing keys and the fingerprint registry in SQLite. Fingerprints live in a WITHOUT ROWID table keyed by
// (hash, output id): a verify is a few index lookups, whatever the number of registered outputs.
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { indexedSubset, type FingerprintStore, type OutputRecord, type RegisteredOutput, type SigningKeyRecord, type SigningKeyStore } from '../ports.ts';

export class SqlSigningKeyStore implements SigningKeyStore {
  constructor(private readonly db: Kysely<any>) {}

  async list(): Promise<SigningKeyRecord[]> {
    return (await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute()) as SigningKeyRecord[];
  }

  async save(key: SigningKeyRecord): Promise<void> {
    await this.db.insertInto('signing_keys').values(key).onConflict((oc) => oc.column('kid').doUpdateSet({ retired_at: key.retired_at, cert_chain_pem: key.cert_chain_pem ?? null })).execute();
  }
}

export class SqlFingerprintStore implements FingerprintStore {
  private readonly insertOutput: Database.Statement;
  /** Multi-row inserts by row count: one statement per output instead of one per fingerprint. */
  private readonly insertRows = new Map<number, Database.Statement>();
  private readonly registerBatch: (outputs: RegisteredOutput[]) => void;

  constructor(private readonly raw: Database.Database) {
    this.insertOutput = raw.prepare('insert into provenance_outputs (request_id, org_id, created_at, manifest, fingerprint_count, fingerprints) values (?, ?, ?, ?, ?, ?)');
    this.registerBatch = raw.transaction((outputs: RegisteredOutput[]) => {
      for (const o of outputs) {
        const set = Buffer.from(Uint32Array.from(o.fingerprints).buffer);
        const id = Number(this.insertOutput.run(o.request_id, o.org_id, o.created_at, o.manifest, o.fingerprints.length, set).lastInsertRowid);
        const indexed = indexedSubset(o.fingerprints);
        const params: number[] = [];
        for (const h of indexed) params.push(h, id);
        this.rowsStatement(indexed.length).run(...params);
      }
    });
  }

  private rowsStatement(rows: number): Database.Statement {
    let stmt = this.insertRows.get(rows);
    if (!stmt) {
      stmt = this.raw.prepare(`insert or ignore into provenance_fingerprints (hash, output_id) values ${Array.from({ length: rows }, () => '(?, ?)').join(', ')}`);
      this.insertRows.set(rows, stmt);
    }
    return stmt;
  }

  async register(outputs: RegisteredOutput[]): Promise<void> {
    this.registerBatch(outputs);
  }

  async lookup(hashes: number[]): Promise<Array<{ hash: number; output_id: number }>> {
    const out: Array<{ hash: number; output_id: number }> = [];
    for (let i = 0; i < hashes.length; i += 500) {
      const chunk = hashes.slice(i, i + 500);
      out.push(...(this.raw.prepare(`select hash, output_id from provenance_fingerprints where hash in (${chunk.map(() => '?').join(',')})`).all(...chunk) as Array<{ hash: number; output_id: number }>));
    }
    return out;
  }

  async outputs(ids: number[]): Promise<OutputRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.raw.prepare(`select * from provenance_outputs where id in (${ids.map(() => '?').join(',')})`).all(...ids) as Array<Omit<OutputRecord, 'fingerprints'> & { fingerprints: Buffer | null }>;
    return rows.map((r) => {
      const blob = r.fingerprints;
      return { ...r, fingerprints: blob ? new Uint32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)) : new Uint32Array(0) };
    });
  }

  async purge(before: string): Promise<number> {
    return this.raw.transaction(() => {
      this.raw.prepare('delete from provenance_fingerprints where output_id in (select id from provenance_outputs where created_at < ?)').run(before);
      return this.raw.prepare('delete from provenance_outputs where created_at < ?').run(before).changes;
    })();
  }

  async stats(): Promise<{ outputs: number; fingerprints: number }> {
    const o = this.raw.prepare('select count(*) as n from provenance_outputs').get() as { n: number };
    const f = this.raw.prepare('select count(*) as n from provenance_fingerprints').get() as { n: number };
    return { outputs: o.n, fingerprints: f.n };
  }
}
