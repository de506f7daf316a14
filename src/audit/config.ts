// The `audit:` section of the configuration: where signed checkpoints of the chain's head are kept.
import { z } from 'zod';
import { httpUrlSchema as httpUrl } from '../util/http-url.ts';

export const auditConfigSchema = z
  .object({
    /** JSON lines of signed checkpoints; default DATA/audit-checkpoints.jsonl. Best on storage the database's users cannot write. */
    checkpoint_file: z.string().min(1, 'must be a file path').optional(),
    /** Also POST every checkpoint (JSON) here: a copy out of reach of anyone who can write the gateway's disk. */
    checkpoint_url: httpUrl.optional(),
    /** Name of the environment variable holding a bearer token for checkpoint_url. */
    checkpoint_url_token_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    /** Entries appended within this long share one checkpoint (signed after the first of them, off the caller's path). */
    checkpoint_delay_ms: z.number().int().min(0).max(60_000).default(200),
  })
  .strict()
  .refine((a) => a.checkpoint_url !== undefined || a.checkpoint_url_token_env === undefined, {
    message: 'checkpoint_url_token_env needs checkpoint_url',
    path: ['checkpoint_url_token_env'],
  });

export type AuditConfig = z.infer<typeof auditConfigSchema>;
