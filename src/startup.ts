// Start-up plumbing of the gateway: secrets in the data folder, the store the configuration selects (and its
// readiness checks), audit checkpoints, the demo seed. The composition itself is in main.ts.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config/load.ts';
import type { ClusterConfig } from './config/cluster.ts';
import type { ConduitConfig } from './config/schema.ts';
import type { ReadinessCheck, Store, StoreLog } from './store/ports.ts';
import { Tenancy } from './tenancy/tenancy.ts';
import { AuditCheckpoints } from './audit/checkpoints.ts';
import { CheckpointFile, HttpCheckpointSink } from './audit/checkpoint-sinks.ts';
import { KeyRing } from './provenance/keyring.ts';
import {
  KEK_ENV,
  KeyEncryptionError,
  loadKeyEncryptionKey,
  type KeyEncryption,
  type LoadedKek,
} from './provenance/key-encryption.ts';

/** Signed checkpoints of the audit chain's head: DATA/audit-checkpoints.jsonl (or audit.checkpoint_file), and audit.checkpoint_url. */
export function auditCheckpoints(
  config: ConduitConfig,
  source: string,
  dataDir: string,
  keyRing: KeyRing,
  onError: (err: unknown) => void,
): AuditCheckpoints | undefined {
  const { checkpoint_file, checkpoint_url, checkpoint_url_token_env, checkpoint_delay_ms } = config.audit;
  const path = checkpoint_file ?? (dataDir === ':memory:' ? undefined : join(dataDir, 'audit-checkpoints.jsonl'));
  let file: CheckpointFile | undefined;
  try {
    file = path ? new CheckpointFile(path) : undefined;
  } catch (err) {
    throw new ConfigError(source, [
      `audit.checkpoint_file: cannot create the folder of ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    ]);
  }
  const sinks = checkpoint_url
    ? [
        new HttpCheckpointSink(
          checkpoint_url,
          checkpoint_url_token_env ? process.env[checkpoint_url_token_env] : undefined,
        ),
      ]
    : [];
  if (!file && sinks.length === 0) return undefined;
  const keys = {
    signingKey: () => ({ kid: keyRing.active.record.kid, privateKey: keyRing.active.privateKey }),
    publicJwk: (kid: string) => keyRing.publicJwk(kid),
  };
  return new AuditCheckpoints(keys, file, sinks, checkpoint_delay_ms, onError);
}

/** The key-encryption key; one that is malformed (or, in cluster mode, missing from the environment) stops the start. */
export function keyEncryptionKey(dataDir: string, cluster: boolean): LoadedKek {
  try {
    return loadKeyEncryptionKey(dataDir, process.env, cluster);
  } catch (err) {
    if (err instanceof KeyEncryptionError) throw new ConfigError(KEK_ENV, [err.message]);
    throw err;
  }
}

/** The key ring, opened with the key-encryption key; a KEK that does not open the keys stops the start. */
export async function sealingKey(
  { encryption, warning }: LoadedKek,
  open: (encryption: KeyEncryption) => Promise<KeyRing>,
): Promise<{ keyRing: KeyRing; warning?: string }> {
  try {
    return { keyRing: await open(encryption), warning };
  } catch (err) {
    if (err instanceof KeyEncryptionError) throw new ConfigError(KEK_ENV, [err.message]);
    throw err;
  }
}

/** The node's outbox of usage events NATS has not acknowledged yet (cluster mode with NATS), in its data folder. */
export const NATS_OUTBOX_FILE = 'usage-outbox-nats.jsonl';

export interface OpenedStore {
  store: Store;
  /** What GET /readyz checks for the store: each server it depends on. */
  readiness: ReadinessCheck[];
}

export async function openStore(
  config: Readonly<ConduitConfig>,
  dataDir: string,
  log: StoreLog,
  onError: (err: unknown) => void,
): Promise<OpenedStore> {
  // Dynamic import: the embedded default never loads cluster drivers, and vice versa.
  if (config.cluster) return openClusterStore(config.cluster, dataDir, log, onError);
  const { openSqliteStore } = await import('./store/sqlite/index.ts');
  return { store: await openSqliteStore(dataDir, onError), readiness: [] };
}

/** PostgreSQL, with usage events on JetStream when the configuration names a NATS server. */
async function openClusterStore(
  cluster: ClusterConfig,
  dataDir: string,
  log: StoreLog,
  onError: (err: unknown) => void,
): Promise<OpenedStore> {
  if (cluster.nats_url && dataDir === ':memory:')
    throw new ConfigError('cluster.nats_url', [
      "needs a data folder (--data) for the node's outbox of usage events NATS has not acknowledged yet",
    ]);
  const { openPostgresStore } = await import('./store/postgres/index.ts');
  const postgres = await openPostgresStore(cluster.database_url, onError);
  const readiness = postgres.readiness ? [postgres.readiness] : [];
  if (!cluster.nats_url) return { store: postgres, readiness };
  const { withJetStreamUsage } = await import('./store/nats/index.ts');
  try {
    mkdirSync(dataDir, { recursive: true });
    const nats = await withJetStreamUsage(postgres, {
      url: cluster.nats_url,
      clusterName: cluster.name,
      outboxFile: join(dataDir, NATS_OUTBOX_FILE),
      log,
    });
    return { store: nats.store, readiness: [...readiness, nats.readiness] };
  } catch (err) {
    await postgres.close();
    throw err;
  }
}

/**
 * The generated admin token is kept in the data folder so the CLI on the same machine can find it, and reused on
 * the next start with the same folder so an exported CONDUIT_ADMIN_TOKEN keeps working.
 */
export function generatedAdminToken(dataDir: string): string {
  const file = dataDir === ':memory:' ? undefined : join(dataDir, 'admin-token');
  const kept = file && existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (file && /^[\x21-\x7e]{16,}$/.test(kept)) {
    chmodSync(file, 0o600);
    return kept;
  }
  const token = `cdt-admin-${randomBytes(24).toString('base64url')}`;
  if (file) writeSecret(file, token);
  return token;
}

export async function seedDemo(tenancy: Tenancy, dataDir: string): Promise<string | undefined> {
  const keyFile = dataDir === ':memory:' ? undefined : join(dataDir, 'demo-key');
  const orgs = await tenancy.listOrgs();
  const existing = orgs.find((o) => o.name === 'Demo Org');
  if (existing && keyFile && existsSync(keyFile)) return readFileSync(keyFile, 'utf8').trim();
  const org = existing ?? (await tenancy.createOrg({ name: 'Demo Org', country: 'SG', tier: 'verified' }));
  const { secret } = await tenancy.createKey(org.id, 'demo');
  if (keyFile) writeSecret(keyFile, secret);
  return secret;
}

export function writeSecret(file: string, value: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
