// The configuration file's schema. Types flow from here (z.infer); nothing else defines config shapes.
import { z } from 'zod';
import { simulatorFaultsSchema } from '../providers/simulator/faults.ts';
import { policySchema } from '../policy/schema.ts';
import { vettingSchema } from '../vetting/schema.ts';
import { pricingConfigSchema } from '../metering/pricebook.ts';
import { invoicingConfigSchema } from '../metering/tax.ts';
import { abuseConfigSchema } from '../abuse/enforcement.ts';
import { disclosureDefaultsSchema } from '../provenance/disclosure.ts';
import { auditConfigSchema } from '../audit/config.ts';
import { limitsConfigSchema } from '../ratelimit/tiers.ts';

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
    capabilities: capabilitiesSchema.optional(),
    /** Routing: lower is tried first by the priority strategy. */
    priority: z.number().int().min(0).default(100),
    /** Routing: share of traffic under the weighted strategy. */
    weight: z.number().min(0).default(1),
    /** Optional active health checks; passive health from live traffic is always on. */
    health_check: healthCheckSchema.optional(),
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

export const strategies = ['priority', 'weighted', 'latency', 'cost'] as const;
export type Strategy = (typeof strategies)[number];

export const retrySchema = z
  .object({
    /** Attempts in all, across deployments and fallback models. */
    max_attempts: z.number().int().min(1).max(10).default(4),
    base_delay_ms: z.number().int().min(0).default(25),
    max_delay_ms: z.number().int().min(0).default(2_000),
    /** Longest Retry-After worth waiting for; longer ones fail at once with 503 and the header. */
    max_retry_after_ms: z.number().int().min(0).default(2_000),
  })
  .strict();

export const circuitSchema = z
  .object({
    /** Opens after this many consecutive failures... */
    consecutive_failures: z.number().int().min(1).default(5),
    /** ...or when this share of the last `window` outcomes failed (with at least `min_requests`). */
    error_rate: z.number().gt(0).max(1).default(0.5),
    window: z.number().int().min(2).default(20),
    min_requests: z.number().int().min(1).default(10),
    /** Time open before one probe request is let through (half-open). */
    cooldown_ms: z.number().int().min(1).default(5_000),
  })
  .strict();

export const modelRoutingSchema = z
  .object({
    strategy: z.enum(strategies).optional(),
    /** cost strategy: only deployments whose observed latency is within this bound qualify (when any do). */
    latency_bound_ms: z.number().positive().optional(),
    /** Models to try, in order, when every deployment of this one failed. */
    fallback: z.array(z.string().min(1)).default([]),
    /** Send a share of traffic to a candidate deployment (its answers are returned). */
    canary: z.object({ provider: id, share: z.number().gt(0).max(1) }).strict().optional(),
    /** Copy a share of traffic to a candidate deployment; metered as cost, never returned. */
    shadow: z.object({ provider: id, share: z.number().gt(0).max(1) }).strict().optional(),
  })
  .strict();

export const catalogueModelSchema = z
  .object({
    name: z.string().min(1).max(200),
    aliases: z.array(z.string().min(1)).default([]),
    vendor: id,
    kind: z.enum(modelKinds).default('chat'),
    description: z.string().optional(),
    /** Features every deployment serving this model must have. */
    requires: z.array(z.enum(['streaming', 'tools', 'vision', 'responses'])).default([]),
    routing: modelRoutingSchema.default(() => modelRoutingSchema.parse({})),
    /** Customers are never charged for this model (list price and price 0), and the price book needs no list price for it. */
    free_of_charge: z.boolean().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        body_limit_bytes: z.number().int().positive().default(4 * 1024 * 1024),
        /** Behind a load balancer: take the client address from X-Forwarded-For. */
        trust_proxy: z.boolean().default(false),
        /** On shutdown, how long requests under way may take to finish before they are cut. */
        shutdown_grace_ms: z.number().int().min(0).max(3_600_000).default(30_000),
        /** A client must send a request's head within this (node:http's headersTimeout), else 408 and closed. */
        headers_timeout_ms: z.number().int().min(100).max(3_600_000).default(60_000),
        /** ... and the whole request, body included, within this (node:http's requestTimeout). */
        request_timeout_ms: z.number().int().min(100).max(3_600_000).default(300_000),
      })
      .strict()
      .refine((s) => s.headers_timeout_ms <= s.request_timeout_ms, { message: 'headers_timeout_ms must not exceed request_timeout_ms', path: ['headers_timeout_ms'] })
      .default(() => ({ host: '127.0.0.1', port: 8080, body_limit_bytes: 4 * 1024 * 1024, trust_proxy: false, shutdown_grace_ms: 30_000, headers_timeout_ms: 60_000, request_timeout_ms: 300_000 })),
    regions: z.array(regionSchema).min(1),
    vendors: z.array(vendorSchema).min(1),
    providers: z.array(providerSchema).min(1),
    models: z.array(catalogueModelSchema).min(1),
    routing: z
      .object({
        strategy: z.enum(strategies).default('priority'),
        retry: retrySchema.default(() => retrySchema.parse({})),
        circuit: circuitSchema.default(() => circuitSchema.parse({})),
      })
      .strict()
      .default(() => ({ strategy: 'priority' as const, retry: retrySchema.parse({}), circuit: circuitSchema.parse({}) })),
    policy: policySchema.default(() => policySchema.parse({})),
    /** The initial price book, and what a price below cost gets (below_cost: warn, the default, or refuse). */
    pricing: pricingConfigSchema.default(() => pricingConfigSchema.parse({ currency: 'USD' })),
    /** Invoices: the seller, payment terms, tax rules by the customer's country. */
    invoicing: invoicingConfigSchema.default(() => invoicingConfigSchema.parse({})),
    /** Rate limits each customer tier gets unless its organisation or key has its own. */
    limits: limitsConfigSchema.default(() => limitsConfigSchema.parse({})),
    abuse: abuseConfigSchema.default(() => abuseConfigSchema.parse({})),
    provenance: z
      .object({
        /** Fingerprints of outputs older than this are forgotten. */
        retention_days: z.number().int().min(1).max(3650).default(365),
        verify_max_bytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
        /** Public verify calls allowed per client address per minute. */
        verify_per_minute: z.number().int().min(1).default(60),
        /** The operator's CA that certifies the signing keys for C2PA manifests (PEM files). */
        c2pa_issuer: z.object({ certificate_file: z.string().min(1), key_file: z.string().min(1) }).strict().optional(),
        /** Notice and in-band mark for organisations without a setting of their own, by country (Article 50: the EU). */
        disclosure_default: disclosureDefaultsSchema.optional(),
      })
      .strict()
      .default(() => ({ retention_days: 365, verify_max_bytes: 1024 * 1024, verify_per_minute: 60 })),
    vetting: vettingSchema.default(() => vettingSchema.parse({})),
    audit: auditConfigSchema.default(() => auditConfigSchema.parse({})),
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
