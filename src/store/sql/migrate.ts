// Brings a database's schema up to date with Kysely's migrator, on SQLite and PostgreSQL alike. On PostgreSQL the
// migrator holds an advisory lock for the run, so nodes starting together apply each migration exactly once.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { migrations } from '../migrations.ts';

export async function migrate(db: Kysely<any>, extra: Record<string, Migration> = {}): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations, ...extra }) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
}
