// Signing keys and the fingerprint registry in SQLite. Fingerprints live in a WITHOUT ROWID table keyed by
// (hash, output id): a verify is a few index lookups, whatever the number of registered outputs. Reads run
// here; writes on the SQLite writer thread (see fingerprint-writes.mjs and writer.mjs).
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { BulkWrites } from './writer-thread.ts';
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
  constructor(
    private readonly raw: Database.Database,
    private readonly writes: BulkWrites,
  ) {}

  async register(outputs: RegisteredOutput[]): Promise<void> {
    await this.writes.registerFingerprints(
      outputs.map((o) => ({
        request_id: o.request_id,
        org_id: o.org_id,
        created_at: o.created_at,
        manifest: o.manifest,
        count: o.fingerprints.length,
        set: new Uint8Array(Uint32Array.from(o.fingerprints).buffer),
        indexed: indexedSubset(o.fingerprints),
      })),
    );
  }

  purge(before: string): Promise<number> {
    return this.writes.purgeFingerprints(before);
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

  async stats(): Promise<{ outputs: number; fingerprints: number }> {
    const o = this.raw.prepare('select count(*) as n from provenance_outputs').get() as { n: number };
    const f = this.raw.prepare('select count(*) as n from provenance_fingerprints').get() as { n: number };
    return { outputs: o.n, fingerprints: f.n };
  }
}
