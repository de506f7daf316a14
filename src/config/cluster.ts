// Cluster mode's configuration section, and the environment variables that override it (and turn it on).
import { z } from 'zod';

const serverUrl = (schemes: string[], example: string) =>
  z
    .string()
    .min(1)
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return schemes.includes(url.protocol) && url.hostname !== '';
        } catch {
          return false;
        }
      },
      { message: `must be a URL with scheme ${schemes.map((s) => `${s}//`).join(' or ')}, such as ${example}` },
    );

export const clusterSchema = z
  .object({
    /** Prefixes Redis keys and NATS subjects, streams and consumers, so that two clusters can share the servers. */
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{1,64}$/,
        'must be 1-64 letters, digits, "-" or "_" (it prefixes Redis keys and NATS names)',
      )
      .default('conduit'),
    /** The system of record. */
    database_url: serverUrl(['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/conduit'),
    /** Shared counters (rate limits, budgets); absent: each node counts for itself. */
    redis_url: serverUrl(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').optional(),
    /** The usage-event stream (JetStream); absent: each node writes its usage events to PostgreSQL itself. */
    nats_url: serverUrl(['nats:', 'tls:'], 'nats://127.0.0.1:4222').optional(),
    /** While Redis is unreachable: count on the node alone (fail_open) or refuse requests (fail_closed). */
    on_redis_unavailable: z.enum(['fail_open', 'fail_closed']).default('fail_open'),
  })
  .strict();

export type ClusterConfig = z.infer<typeof clusterSchema>;

/** Each environment variable and the `cluster` field it sets. */
export const CLUSTER_ENV = {
  CONDUIT_DATABASE_URL: 'database_url',
  CONDUIT_REDIS_URL: 'redis_url',
  CONDUIT_NATS_URL: 'nats_url',
  CONDUIT_CLUSTER_NAME: 'name',
} as const;

/**
 * The raw configuration with the cluster environment variables laid over its `cluster` section: a variable set
 * (non-empty) replaces the file's value, and any of them set turns cluster mode on. Validation follows, so a
 * variable holding a bad URL is reported like a bad file entry; `fromEnv` says which fields came from which variable.
 */
export function withClusterEnv(
  raw: unknown,
  env: NodeJS.ProcessEnv = process.env,
): { raw: unknown; fromEnv: Map<string, string> } {
  const fromEnv = new Map<string, string>();
  const overrides: Record<string, string> = {};
  for (const [variable, field] of Object.entries(CLUSTER_ENV)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    overrides[field] = value;
    fromEnv.set(field, variable);
  }
  if (fromEnv.size === 0 || !isRecord(raw)) return { raw, fromEnv: new Map() };
  const section = raw.cluster;
  // A section that is not an object stays as written, for validation to report.
  if (section !== undefined && !isRecord(section)) return { raw, fromEnv: new Map() };
  return { raw: { ...raw, cluster: { ...section, ...overrides } }, fromEnv };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
