// Signing keys and the fingerprint registry in SQLite. Fingerprints live in a WITHOUT ROWID table keyed by
// (hash, output id): a verify is a few index lookups, whatever the number of registered outputs.
import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { FingerprintStore, OutputRecord, RegisteredOutput, SigningKeyRecord, SigningKeyStore } from '../ports.ts';

export class SqlSigningKeyStore implements SigningKeyStore {
  constructor(private readonly db: Kysely<any>) {}

  async list(): Promise<SigningKeyRecord[]> {
    return (await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute()) as SigningKeyRecord[];
  }

  async save(key: SigningKeyRecord): Promise<void> {
    await this.db.insertInto('signing_keys').values(key).onConflict((oc) => oc.column('kid').doUpdateSet({ retired_at: key.retired_at })).execute();
  }
}

export class SqlFingerprintStore implements FingerprintStore {
  private readonly insertOutput: Database.Statement;
  /** Multi-row inserts by row count: one statement per output instead of one per fingerprint. */
  private readonly insertRows = new Map<number, Database.Statement>();
  private readonly registerBatch: (outputs: RegisteredOutput[]) => void;

  constructor(private readonly raw: Database.Database) {
    this.insertOutput = raw.prepare('insert into provenance_outputs (request_id, org_id, created_at, manifest, fingerprint_count) values (?, ?, ?, ?, ?)');
    this.registerBatch = raw.transaction((outputs: RegisteredOutput[]) => {
      for (const o of outputs) {
        const id = Number(this.insertOutput.run(o.request_id, o.org_id, o.created_at, o.manifest, o.fingerprints.length).lastInsertRowid);
        for (let i = 0; i < o.fingerprints.length; i += 200) {
          const chunk = o.fingerprints.slice(i, i + 200);
          const params: number[] = [];
          for (const h of chunk) params.push(h, id);
          this.rowsStatement(chunk.length).run(...params);
        }
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

  /** Same store, with writes done by a worker thread on its own connection to `file`. */
  static withWriterThread(raw: Database.Database, file: string): FingerprintStore & { close(): Promise<void> } {
    const store = new SqlFingerprintStore(raw);
    const worker = new Worker(new URL('./fingerprint-worker-boot.mjs', import.meta.url), { workerData: { file } });
    worker.unref();
    const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
    let next = 0;
    worker.on('message', (m: { id: number; ok: boolean; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) p?.resolve();
      else p?.reject(new Error(`fingerprint writer: ${m.error}`));
    });
    worker.on('error', (err) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    return Object.assign(store, {
      register: (outputs: RegisteredOutput[]) =>
        new Promise<void>((resolve, reject) => {
          const id = ++next;
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, outputs });
        }),
      close: async () => {
        await worker.terminate();
      },
    });
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
    return this.raw.prepare(`select * from provenance_outputs where id in (${ids.map(() => '?').join(',')})`).all(...ids) as OutputRecord[];
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
