// Schema, as Kysely migrations shared by SQLite and PostgreSQL: portable types, and the few that differ chosen below.
import {
  PostgresAdapter,
  sql,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
  type Migration,
} from 'kysely';

const onPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;
/** A 64-bit integer: SQLite's integer is one; PostgreSQL's is 32-bit (micro-units overflow it at $2,147, hashes at 2^31). */
const int64 = (db: Kysely<any>) => (onPostgres(db) ? 'bigint' : 'integer');
const bytes = (db: Kysely<any>) => (onPostgres(db) ? 'bytea' : 'blob');
/** An 8-byte float (PostgreSQL's `real` has 4). */
const float64 = (db: Kysely<any>) => (onPostgres(db) ? 'double precision' : 'real');
/** A key the database numbers itself: SQLite's rowid alias, PostgreSQL's identity column. */
const generatedKey = (db: Kysely<any>) => (c: ColumnDefinitionBuilder) =>
  onPostgres(db) ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey();
/** SQLite's WITHOUT ROWID (the table is its primary key's b-tree); PostgreSQL has no such clause. */
const withoutRowid =
  (db: Kysely<any>) =>
  <T extends string, C extends string>(table: CreateTableBuilder<T, C>) =>
    onPostgres(db) ? table : table.modifyEnd(sql`without rowid`);

export const migrations: Record<string, Migration> = {
  '0001_tenancy_and_usage': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('orgs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('tier', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
        .addColumn('name', 'text')
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('api_keys_org').on('api_keys').column('org_id').execute();
      await db.schema
        .createTable('usage_events')
        .addColumn('request_id', 'text', (c) => c.primaryKey())
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('deployment', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('prompt_tokens', int64(db), (c) => c.notNull())
        .addColumn('completion_tokens', int64(db), (c) => c.notNull())
        .addColumn('cached_tokens', int64(db), (c) => c.notNull())
        .addColumn('reasoning_tokens', int64(db), (c) => c.notNull())
        .addColumn('estimated', 'integer', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('usage_events_org_ts').on('usage_events').columns(['org_id', 'ts']).execute();
    },
  },
  '0002_routing_settings': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orgs').addColumn('routing', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('routing', 'text').execute();
    },
  },
  '0003_audit_log': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', int64(db), (c) => c.primaryKey())
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject_type', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('data', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_subject').on('audit_log').columns(['subject_type', 'subject_id']).execute();
    },
  },
  '0004_vetting_and_policy': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orgs').addColumn('ownership', 'text').execute();
      await db.schema
        .createTable('applications')
        .addColumn('org_id', 'text', (c) => c.primaryKey())
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('screening', 'text')
        .addColumn('approvals', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sanctions_lists')
        .addColumn('source', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('loaded_at', 'text', (c) => c.notNull())
        .addColumn('entries', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('policy_versions')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('policy', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0005_ledger_money_and_limits': {
    async up(db: Kysely<any>) {
      for (const column of ['cost_micros', 'list_price_micros', 'price_micros']) {
        await db.schema
          .alterTable('usage_events')
          .addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      }
      await db.schema
        .alterTable('usage_events')
        .addColumn('customer_country', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.alterTable('orgs').addColumn('pricing', 'text').execute();
      await db.schema.alterTable('orgs').addColumn('limits', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('limits', 'text').execute();
      await db.schema
        .createTable('price_books')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('book', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0006_provenance': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .addColumn('private_pem', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('provenance_outputs')
        .addColumn('id', int64(db), generatedKey(db))
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('manifest', 'text', (c) => c.notNull())
        .addColumn('fingerprint_count', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('provenance_outputs_created').on('provenance_outputs').column('created_at').execute();
      await db.schema
        .createTable('provenance_fingerprints')
        .addColumn('hash', int64(db), (c) => c.notNull())
        .addColumn('output_id', int64(db), (c) => c.notNull())
        .addPrimaryKeyConstraint('provenance_fingerprints_pk', ['hash', 'output_id'])
        .$call(withoutRowid(db))
        .execute();
    },
  },
  '0007_disclosure': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orgs').addColumn('disclosure', 'text').execute();
    },
  },
  '0008_fingerprint_sets': {
    async up(db: Kysely<any>) {
      // Every output's full fingerprint set; the index table keeps only a few hashes per output to find candidates.
      await db.schema.alterTable('provenance_outputs').addColumn('fingerprints', bytes(db)).execute();
    },
  },
  '0009_signing_key_certificates': {
    async up(db: Kysely<any>) {
      // The X.509 chain (PEM, signer first) C2PA manifests carry for each signing key.
      await db.schema.alterTable('signing_keys').addColumn('cert_chain_pem', 'text').execute();
    },
  },
  '0010_recent_fingerprints': {
    async up(db: Kysely<any>) {
      // New outputs' index rows, keyed by generation (2^14 consecutive output ids) first: a batch's rows land
      // among its own generation's pages. Whole generations move into provenance_fingerprints in hash order
      // (see fingerprint-writes.ts). Written straight into the hash-keyed index, every batch rewrote pages
      // all over it, and registering an output cost more the more were registered.
      await db.schema
        .createTable('provenance_fingerprints_recent')
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('hash', int64(db), (c) => c.notNull())
        .addColumn('output_id', int64(db), (c) => c.notNull())
        .addPrimaryKeyConstraint('provenance_fingerprints_recent_pk', ['generation', 'hash', 'output_id'])
        .$call(withoutRowid(db))
        .execute();
    },
  },
  '0011_enforcement_overlay': {
    async up(db: Kysely<any>) {
      // An abuse throttle lives beside the operator's limits (it used to overwrite them, and clearing lost them).
      await db.schema.alterTable('orgs').addColumn('enforcement', 'text').execute();
    },
  },
  '0012_interim_usage': {
    async up(db: Kysely<any>) {
      // A stream's interim records (its opening, then what it delivered so far) carry their number here; the
      // final event, which replaces them, has none. A row still interim is a stream its gateway died serving.
      await db.schema.alterTable('usage_events').addColumn('interim', 'integer').execute();
    },
  },
  '0014_signing_key_revocation': {
    async up(db: Kysely<any>) {
      // A retired signing key can be revoked (compromise, say): when, and why, for the JWKS and verification.
      await db.schema.alterTable('signing_keys').addColumn('revoked_at', 'text').execute();
      await db.schema.alterTable('signing_keys').addColumn('revocation_reason', 'text').execute();
    },
  },
  '0016_invoicing': {
    async up(db: Kysely<any>) {
      // Issued invoices and credit notes, stored whole as issued (never updated); the numbering sequences they draw
      // from, advanced in the same transaction as the document is stored (no gaps); customers' billing details.
      await db.schema
        .createTable('issued_documents')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('invoice_number', 'text')
        .addColumn('document', 'text', (c) => c.notNull())
        .execute();
      // One invoice per organisation and month (credit notes carry their invoice's number instead).
      await db.schema
        .createIndex('issued_invoices_org_month')
        .on('issued_documents')
        .columns(['org_id', 'month'])
        .unique()
        .where(sql.ref('kind'), '=', 'invoice')
        .execute();
      await db.schema.createIndex('issued_documents_invoice').on('issued_documents').column('invoice_number').execute();
      await db.schema
        .createTable('document_sequences')
        .addColumn('series', 'text', (c) => c.primaryKey())
        .addColumn('last_value', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('billing_profiles')
        .addColumn('org_id', 'text', (c) => c.primaryKey())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('profile', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0017_application_kyb': {
    async up(db: Kysely<any>) {
      // Know-your-business follow-up of an application, as JSON: risk level, next review date, reviewers' notes.
      await db.schema.alterTable('applications').addColumn('kyb', 'text').execute();
    },
  },
  '0018_abuse_state': {
    async up(db: Kysely<any>) {
      // The distillation detector's profiles (counters as JSON, hashed sketches as a blob: no text), snapshotted
      // periodically and at shutdown, and its alerts as they are raised: an organisation's history outlives a deploy.
      await db.schema
        .createTable('abuse_profiles')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('sketch', bytes(db), (c) => c.notNull())
        .addPrimaryKeyConstraint('abuse_profiles_pk', ['kind', 'subject'])
        .$call(withoutRowid(db))
        .execute();
      await db.schema
        .createTable('abuse_alerts')
        .addColumn('id', int64(db), generatedKey(db))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('score', float64(db), (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('campaign', 'text')
        .execute();
    },
  },
  '0019_stored_responses': {
    async up(db: Kysely<any>) {
      // Responses API responses an organisation may continue (previous_response_id), and their output items it may
      // name (item_reference): keyed by organisation first, so one organisation never reaches another's.
      await db.schema
        .createTable('stored_responses')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('output', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('stored_responses_pk', ['org_id', 'id'])
        .execute();
      await db.schema.createIndex('stored_responses_created').on('stored_responses').column('created_at').execute();
      await db.schema
        .createTable('stored_response_items')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('response_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('stored_response_items_pk', ['org_id', 'id'])
        .execute();
      await db.schema
        .createIndex('stored_response_items_created')
        .on('stored_response_items')
        .column('created_at')
        .execute();
    },
  },
  '0020_org_preferences_and_contract': {
    async up(db: Kysely<any>) {
      // A customer's own exclusions (vendors, models, serving regions) and the terms agreed with it, as JSON.
      await db.schema.alterTable('orgs').addColumn('preferences', 'text').execute();
      await db.schema.alterTable('orgs').addColumn('contract', 'text').execute();
    },
  },
  '0021_admin_principals': {
    async up(db: Kysely<any>) {
      // Named admin principals with a role; their tokens only as SHA-256. Deleted ones stay: the audit log names them.
      await db.schema
        .createTable('admin_principals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .execute();
    },
  },
  '0022_abuse_action_once': {
    async up(db: Kysely<any>) {
      // Each distillation action is taken once per organisation, by whichever node of a cluster records it first
      // (every node sees every node's traffic). The monitor never raised an action twice, so no row is in the way.
      await db.schema
        .createIndex('abuse_alerts_org_action')
        .on('abuse_alerts')
        .columns(['org_id', 'action'])
        .unique()
        .execute();
    },
  },
  '0023_prompt_logs': {
    async up(db: Kysely<any>) {
      // An organisation's opt-in to prompt logging ({enabled, retention_days} as JSON), and what it logged: each
      // request's body and reply, keyed by organisation first, purged once expired.
      await db.schema.alterTable('orgs').addColumn('prompt_logging', 'text').execute();
      await db.schema
        .createTable('prompt_logs')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('model', 'text')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('prompt_logs_pk', ['org_id', 'request_id'])
        .execute();
      await db.schema
        .createIndex('prompt_logs_org_created')
        .on('prompt_logs')
        .columns(['org_id', 'created_at'])
        .execute();
      await db.schema.createIndex('prompt_logs_expires').on('prompt_logs').column('expires_at').execute();
    },
  },
  '0024_cache_write_tokens': {
    async up(db: Kysely<any>) {
      // Prompt tokens the vendor wrote to its prompt cache, and of those the ones kept an hour, priced apart
      // (earlier events counted them as input).
      for (const column of ['cache_write_tokens', 'cache_write_1h_tokens'])
        await db.schema
          .alterTable('usage_events')
          .addColumn(column, int64(db), (c) => c.notNull().defaultTo(0))
          .execute();
    },
  },
};
