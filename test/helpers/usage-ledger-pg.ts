// The usage_events table in a test database and its batch insert (idempotent by request id, interim records
// replaced only by what outranks them), for the JetStream tests and bench until the PostgreSQL store's
// recordBatch is on main; then they use that instead.
import pg from 'pg';
import type { UsageEvent } from '../../src/store/ports.ts';
import { usageColumns } from '../../src/store/sql/usage-columns.ts';
import { usageColumnNames } from '../../src/store/sqlite/usage-writes.ts';

const PG_TYPES = { text: 'text', int4: 'integer', int8: 'bigint' } as const;
const types = Object.fromEntries(
  Object.entries(usageColumns).map(([column, { pg }]) => [column, PG_TYPES[pg]]),
) as Record<string, string>;

export async function pgUsageLedger(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 3000, query_timeout: 10000 });
  pool.on('error', () => {});
  await pool.query(
    `create table if not exists usage_events (${usageColumnNames.map((c) => `${c} ${types[c]}${c === 'request_id' ? ' primary key' : c === 'interim' ? '' : ' not null'}`).join(', ')})`,
  );
  const cols = usageColumnNames;
  const updated = cols.filter((c) => c !== 'request_id');
  const text = `insert into usage_events (${cols.join(', ')}) select * from unnest(${cols.map((c, i) => `$${i + 1}::${types[c]}[]`).join(', ')})
    on conflict (request_id) do update set ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}
    where usage_events.interim is not null and (excluded.interim is null or excluded.interim > usage_events.interim)`;
  return {
    pool,
    async recordBatch(events: UsageEvent[]) {
      const byId = new Map<string, UsageEvent>();
      for (const e of events) {
        const seen = byId.get(e.request_id);
        if (!seen || (seen.interim !== undefined && (e.interim === undefined || e.interim > seen.interim)))
          byId.set(e.request_id, e);
      }
      const rows = [...byId.values()];
      const arrays = cols.map((c) => rows.map((e) => (c === 'estimated' ? (e.estimated ? 1 : 0) : (e[c] ?? null))));
      await pool.query(text, arrays);
    },
    async rows(): Promise<Array<{ request_id: string; interim: number | null; prompt_tokens: string }>> {
      return (await pool.query('select request_id, interim, prompt_tokens from usage_events')).rows;
    },
    close: () => pool.end(),
  };
}
