// What every deployment's configuration holds, whatever its vendor. A vendor's folder adds what its type requires
// (its `configSchema`); src/providers/registry.ts puts them together into the config file's provider schema.
import { z } from 'zod';
import { simulatorFaultsSchema } from './simulator/faults.ts';
import { httpUrlSchema } from '../util/http-url.ts';

export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must be letters, digits, ".", "_" or "-"')
  .max(100);

export const timeoutsSchema = z
  .object({
    connect_ms: z.number().int().positive().default(5_000),
    first_byte_ms: z.number().int().positive().default(60_000),
    idle_ms: z.number().int().positive().default(30_000),
    total_ms: z.number().int().positive().default(600_000),
  })
  .strict();

/** What a deployment can do. Unset fields take the provider's value, then these defaults. */
export const capabilitiesSchema = z
  .object({
    chat: z.boolean().optional(),
    embeddings: z.boolean().optional(),
    streaming: z.boolean().optional(),
    tools: z.boolean().optional(),
    vision: z.boolean().optional(),
    /** Speaks OpenAI's Responses API (POST /v1/responses). */
    responses: z.boolean().optional(),
    context_length: z.number().int().positive().optional(),
  })
  .strict();

export type Capabilities = Required<z.infer<typeof capabilitiesSchema>>;

/** Vendor cost, for routing decisions (least cost). Decimal currency units per million tokens. */
export const costSchema = z
  .object({
    input: z.number().min(0, 'must not be negative'),
    output: z.number().min(0, 'must not be negative'),
  })
  .strict();

/** One model a deployment serves: the public catalogue name and the name the vendor knows it by. */
export const servedModelSchema = z
  .object({
    model: z.string().min(1),
    upstream: z.string().min(1).optional(),
    /** Azure: the deployment name in the resource URL. */
    azure_deployment: z.string().min(1).optional(),
    capabilities: capabilitiesSchema.optional(),
    cost_per_mtok: costSchema.optional(),
    /** This deployment costs nothing per token for this model: its vendor cost is 0, and the price book needs none. */
    no_vendor_cost: z.boolean().optional(),
  })
  .strict();

export const healthCheckSchema = z
  .object({
    interval_ms: z.number().int().min(100).default(10_000),
    /** Path under base_url answered with 2xx when healthy. */
    path: z.string().startsWith('/').default('/models'),
  })
  .strict();

/** A deployment's fields, around the `type` schema given (the registry passes the enum of its provider types). */
export const deploymentSchema = <Type extends z.ZodType<string>>(type: Type) =>
  z
    .object({
      id: idSchema,
      vendor: idSchema,
      type,
      region: idSchema,
      base_url: httpUrlSchema.optional(),
      /** Name of the environment variable holding the credential; the secret never sits in the file. */
      api_key_env: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
        .optional(),
      api_version: z.string().min(1).optional(),
      models: z.array(servedModelSchema).min(1, 'must serve at least one model'),
      timeouts: timeoutsSchema.default(() => timeoutsSchema.parse({})),
      max_connections: z.number().int().positive().max(4096).default(128),
      /** type simulator only: faults to inject (for failure drills and tests). Accepted on any type, as it always was. */
      simulator: simulatorFaultsSchema.optional(),
      capabilities: capabilitiesSchema.optional(),
      /** Routing: lower is tried first by the priority strategy. */
      priority: z.number().int().min(0).default(100),
      /** Routing: share of traffic under the weighted strategy. */
      weight: z.number().min(0).default(1),
      /** Optional active health checks; passive health from live traffic is always on. */
      health_check: healthCheckSchema.optional(),
    })
    .strict();

/** A deployment: one vendor endpoint in one region, as adapters receive it. */
export type DeploymentConfig = z.output<ReturnType<typeof deploymentSchema<z.ZodString>>>;
export type Timeouts = z.infer<typeof timeoutsSchema>;

/** For a vendor's `configSchema`: a field its type cannot do without. */
export const requiredFor = (type: string) => z.string({ error: `is required for type "${type}"` });
