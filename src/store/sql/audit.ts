// The audit log in SQL (append-only by convention; the hash chain makes any edit detectable). Kysely; the same
// queries serve SQLite and PostgreSQL.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditFilter, AuditRecord, AuditStore } from '../ports.ts';

const fromRow = (row: Record<string, unknown>): AuditRecord => ({
  ...(row as unknown as AuditRecord),
  seq: Number(row.seq),
  data: row.data ? JSON.parse(String(row.data)) : null,
});

export class SqlAuditStore implements AuditStore {
  /**
   * `serialize` runs first in each append's transaction and holds until it commits, where other processes may
   * append to the same database (PostgreSQL: an advisory lock). On SQLite (`beginImmediate`) the append takes the
   * database's write lock as it begins: a deferred transaction that reads the head and then writes fails with
   * SQLITE_BUSY_SNAPSHOT (no busy wait helps) when another connection, such as the usage writer thread, committed
   * in between; an immediate one waits its turn (busy_timeout) and then reads a head nobody can move.
   */
  constructor(
    private readonly db: Kysely<any>,
    private readonly serialize?: (trx: Transaction<any>) => Promise<void>,
    private readonly options: { beginImmediate?: boolean } = {},
  ) {}

  async appendNext(next: (head: AuditRecord | undefined) => AuditRecord): Promise<AuditRecord> {
    if (this.options.beginImmediate) {
      return this.db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const entry = await this.insertNext(conn, next);
          await sql`commit`.execute(conn);
          return entry;
        } catch (err) {
          await sql`rollback`.execute(conn);
          throw err;
        }
      });
    }
    return this.db.transaction().execute(async (trx) => {
      await this.serialize?.(trx);
      return this.insertNext(trx, next);
    });
  }

  private async insertNext(
    db: Kysely<any>,
    next: (head: AuditRecord | undefined) => AuditRecord,
  ): Promise<AuditRecord> {
    const entry = next(await this.head(db));
    await db
      .insertInto('audit_log')
      .values({ ...entry, data: entry.data ? JSON.stringify(entry.data) : null })
      .execute();
    return entry;
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
