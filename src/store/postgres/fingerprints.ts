// The fingerprint registry in PostgreSQL: outputs (their whole fingerprint set as bytea) and the lookup index of
// each output's smallest hashes, keyed by (hash, output id). Hashes are unsigned 32-bit, so bigint columns.
// Output ids come from the table's identity sequence before the insert, so a batch knows each output's id
// without relying on the order RETURNING gives rows.
import { sql, type Kysely } from 'kysely';
import { indexedSubset, type FingerprintStore, type OutputRecord, type RegisteredOutput } from '../ports.ts';

export class PgFingerprintStore implements FingerprintStore {
  constructor(private readonly db: Kysely<any>) {}

  async register(outputs: RegisteredOutput[]): Promise<void> {
    if (outputs.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        id: number;
      }>`select nextval(pg_get_serial_sequence('provenance_outputs', 'id')) as id
        from generate_series(1, ${outputs.length})`.execute(trx);
      const ids = rows.map((r) => Number(r.id));
      const blobs = outputs.map((o) =>
        Buffer.from(o.fingerprints.buffer, o.fingerprints.byteOffset, o.fingerprints.byteLength),
      );
      await sql`insert into provenance_outputs (id, request_id, org_id, created_at, manifest, fingerprint_count, fingerprints)
        select * from unnest(${ids}::int8[], ${outputs.map((o) => o.request_id)}::text[], ${outputs.map((o) => o.org_id)}::text[],
          ${outputs.map((o) => o.created_at)}::text[], ${outputs.map((o) => o.manifest)}::text[],
          ${outputs.map((o) => o.fingerprints.length)}::int4[], ${blobs}::bytea[])`.execute(trx);
      const hashes: number[] = [];
      const owners: number[] = [];
      outputs.forEach((o, i) => {
        for (const hash of new Set(indexedSubset(o.fingerprints))) {
          hashes.push(hash);
          owners.push(ids[i]!);
        }
      });
      if (hashes.length > 0)
        await sql`insert into provenance_fingerprints (hash, output_id)
          select * from unnest(${hashes}::int8[], ${owners}::int8[]) on conflict do nothing`.execute(trx);
    });
  }

  async lookup(hashes: number[]): Promise<Array<{ hash: number; output_id: number }>> {
    if (hashes.length === 0) return [];
    const { rows } = await sql<{ hash: number; output_id: number }>`select hash, output_id from provenance_fingerprints
      where hash = any(${hashes}::int8[])`.execute(this.db);
    return rows.map((r) => ({ hash: Number(r.hash), output_id: Number(r.output_id) }));
  }

  async outputs(ids: number[]): Promise<OutputRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await sql<Omit<OutputRecord, 'fingerprints'> & { fingerprints: Buffer | null }>`select id,
      request_id, org_id, created_at, manifest, fingerprint_count, fingerprints from provenance_outputs
      where id = any(${ids}::int8[])`.execute(this.db);
    return rows.map((r) => ({
      ...r,
      id: Number(r.id),
      fingerprint_count: Number(r.fingerprint_count),
      // A copy: a Uint32Array needs its bytes aligned to 4, which a slice of the driver's buffer need not be.
      fingerprints: r.fingerprints
        ? new Uint32Array(
            r.fingerprints.buffer.slice(
              r.fingerprints.byteOffset,
              r.fingerprints.byteOffset + r.fingerprints.byteLength,
            ),
          )
        : new Uint32Array(0),
    }));
  }

  async purge(before: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await sql`delete from provenance_fingerprints where output_id in
        (select id from provenance_outputs where created_at < ${before})`.execute(trx);
      const { numDeletedRows } = await trx
        .deleteFrom('provenance_outputs')
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(numDeletedRows);
    });
  }

  async stats(): Promise<{ outputs: number; fingerprints: number }> {
    const { rows } = await sql<{ outputs: number; fingerprints: number }>`select
      (select count(*) from provenance_outputs) as outputs,
      (select count(*) from provenance_fingerprints) as fingerprints`.execute(this.db);
    return { outputs: Number(rows[0]!.outputs), fingerprints: Number(rows[0]!.fingerprints) };
  }
}
