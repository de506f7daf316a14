// The audit log in SQL (append-only by convention; the hash chain makes any edit detectable). Kysely; the same
// queries serve SQLite and PostgreSQL.
import type { Kysely, Transaction } from 'kysely';
import type { AuditFilter, AuditRecord, AuditStore } from '../ports.ts';

const fromRow = (row: Record<string, unknown>): AuditRecord => ({
  ...(row as unknown as AuditRecord),
  seq: Number(row.seq),
  data: row.data ? JSON.parse(String(row.data)) : null,
});

export class SqlAuditStore implements AuditStore {
  /**
   * `serialize` runs first in each append's transaction and holds until it commits, where other processes may
   * append to the same database (PostgreSQL: an advisory lock). SQLite needs none: one process writes it.
   */
  constructor(
    private readonly db: Kysely<any>,
    private readonly serialize?: (trx: Transaction<any>) => Promise<void>,
  ) {}

  async appendNext(next: (head: AuditRecord | undefined) => AuditRecord): Promise<AuditRecord> {
    return this.db.transaction().execute(async (trx) => {
      await this.serialize?.(trx);
      const entry = next(await this.head(trx));
      await trx
        .insertInto('audit_log')
        .values({ ...entry, data: entry.data ? JSON.stringify(entry.data) : null })
        .execute();
      return entry;
    });
  }

  last(): Promise<AuditRecord | undefined> {
    return this.head(this.db);
  }

  async list(f: AuditFilter): Promise<AuditRecord[]> {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (f.actor) q = q.where('actor', '=', f.actor);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.subject_type) q = q.where('subject_type', '=', f.subject_type);
    if (f.subject_id) q = q.where('subject_id', '=', f.subject_id);
    if (f.from) q = q.where('ts', '>=', f.from);
    if (f.to) q = q.where('ts', '<', f.to);
    return (
      await q
        .orderBy('seq', 'desc')
        .limit(f.limit ?? 100)
        .execute()
    ).map(fromRow);
  }

  async all(): Promise<AuditRecord[]> {
    return (await this.db.selectFrom('audit_log').selectAll().orderBy('seq').execute()).map(fromRow);
  }

  private async head(db: Kysely<any>): Promise<AuditRecord | undefined> {
    const row = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }
}
