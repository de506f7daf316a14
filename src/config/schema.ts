// The configuration file's schema. Types flow from here (z.infer); nothing else defines config shapes.
import { z } from 'zod';
import { simulatorFaultsSchema } from '../providers/simulator/faults.ts';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must be letters, digits, ".", "_" or "-"')
  .max(100);

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "SG"');

export const timeoutsSchema = z
  .object({
    connect_ms: z.number().int().positive().default(5_000),
    first_byte_ms: z.number().int().positive().default(60_000),
    idle_ms: z.number().int().positive().default(30_000),
    total_ms: z.number().int().positive().default(600_000),
  })
  .strict();

export const regionSchema = z
  .object({
    id,
    name: z.string().min(1).optional(),
    country: countryCode,
  })
  .strict();

export const vendorSchema = z
  .object({
    id,
    name: z.string().min(1).optional(),
  })
  .strict();

/** One model a deployment serves: the public catalogue name and the name the vendor knows it by. */
export const servedModelSchema = z
  .object({
    model: z.string().min(1),
    upstream: z.string().min(1).optional(),
    /** Azure: the deployment name in the resource URL. */
    azure_deployment: z.string().min(1).optional(),
  })
  .strict();

export const providerTypes = ['openai', 'azure', 'anthropic', 'simulator'] as const;

/** A deployment: one vendor endpoint in one region. */
export const providerSchema = z
  .object({
    id,
    vendor: id,
    type: z.enum(providerTypes),
    region: id,
    base_url: httpUrl.optional(),
    /** Name of the environment variable holding the credential; the secret never sits in the file. */
    api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name').optional(),
    api_version: z.string().min(1).optional(),
    models: z.array(servedModelSchema).min(1, 'must serve at least one model'),
    timeouts: timeoutsSchema.default(() => timeoutsSchema.parse({})),
    max_connections: z.number().int().positive().max(4096).default(128),
    /** type simulator only: faults to inject (for failure drills and tests). */
    simulator: simulatorFaultsSchema.optional(),
  })
  .strict()
  .superRefine((provider, ctx) => {
    if ((provider.type === 'openai' || provider.type === 'azure' || provider.type === 'anthropic') && !provider.base_url) {
      ctx.addIssue({ code: 'custom', path: ['base_url'], message: `is required for type "${provider.type}"` });
    }
    if (provider.type === 'azure' && !provider.api_version) {
      ctx.addIssue({ code: 'custom', path: ['api_version'], message: 'is required for type "azure"' });
    }
  });

export const modelKinds = ['chat', 'embedding'] as const;

export const catalogueModelSchema = z
  .object({
    name: z.string().min(1).max(200),
    aliases: z.array(z.string().min(1)).default([]),
    vendor: id,
    kind: z.enum(modelKinds).default('chat'),
    description: z.string().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        body_limit_bytes: z.number().int().positive().default(4 * 1024 * 1024),
      })
      .strict()
      .default(() => ({ host: '127.0.0.1', port: 8080, body_limit_bytes: 4 * 1024 * 1024 })),
    regions: z.array(regionSchema).min(1),
    vendors: z.array(vendorSchema).min(1),
    providers: z.array(providerSchema).min(1),
    models: z.array(catalogueModelSchema).min(1),
    demo: z
      .object({ seed: z.boolean().default(false) })
      .strict()
      .default(() => ({ seed: false })),
  })
  .strict();

export type ConduitConfig = z.infer<typeof configSchema>;
export type ProviderConfig = ConduitConfig['providers'][number];
export type CatalogueModelConfig = ConduitConfig['models'][number];
export type RegionConfig = ConduitConfig['regions'][number];
export type Timeouts = z.infer<typeof timeoutsSchema>;
