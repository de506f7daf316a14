// The configuration file's schema. Types flow from here (z.infer); nothing else defines config shapes but the
// deployments' (src/providers/deployment.ts and each vendor folder's configSchema), which this re-exports.
import { z } from 'zod';
import { idSchema as id } from '../providers/deployment.ts';
import { providerConfigSchema } from '../providers/registry.ts';
import { policySchema } from '../policy/schema.ts';
import { vettingSchema } from '../vetting/schema.ts';
import { pricingConfigSchema } from '../metering/pricebook.ts';
import { invoicingConfigSchema } from '../metering/tax.ts';
import { abuseConfigSchema } from '../abuse/enforcement.ts';
import { disclosureDefaultsSchema } from '../provenance/disclosure.ts';
import { auditConfigSchema } from '../audit/config.ts';
import { limitsConfigSchema } from '../ratelimit/tiers.ts';
import { clusterSchema } from './cluster.ts';
import { securityConfigSchema } from './upstream-allow.ts';
import { observabilityConfigSchema } from '../observability/config.ts';

export {
  capabilitiesSchema,
  costSchema,
  healthCheckSchema,
  servedModelSchema,
  timeoutsSchema,
  type Capabilities,
  type Timeouts,
} from '../providers/deployment.ts';

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "SG"');

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

/** A deployment: one vendor endpoint in one region; its `type` values and requirements come from the provider registry. */
export const providerSchema = providerConfigSchema;

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
    canary: z
      .object({ provider: id, share: z.number().gt(0).max(1) })
      .strict()
      .optional(),
    /** Copy a share of traffic to a candidate deployment; metered as cost, never returned. */
    shadow: z
      .object({ provider: id, share: z.number().gt(0).max(1) })
      .strict()
      .optional(),
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
        body_limit_bytes: z
          .number()
          .int()
          .positive()
          .default(4 * 1024 * 1024),
        /** Behind a load balancer: take the client address from X-Forwarded-For. */
        trust_proxy: z.boolean().default(false),
        /** On shutdown, how long requests under way may take to finish before they are cut. */
        shutdown_grace_ms: z.number().int().min(0).max(3_600_000).default(30_000),
        /** A client must send a request's head within this (node:http's headersTimeout), else 408 and closed. */
        headers_timeout_ms: z.number().int().min(100).max(3_600_000).default(60_000),
        /** ... and the whole request, body included, within this (node:http's requestTimeout). */
        request_timeout_ms: z.number().int().min(100).max(3_600_000).default(300_000),
        /** Largest request head (request line and header fields) node:http reads (its maxHeaderSize), else 431. */
        max_header_bytes: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024)
          .default(16 * 1024),
        /** Deepest nesting of arrays and objects in a JSON body. */
        max_json_depth: z.number().int().min(2).max(1_000).default(64),
        /** Most messages (chat, Anthropic) or input items (Responses API) in one request. */
        max_messages: z.number().int().min(1).max(100_000).default(2_048),
        /** Most tools in one request. */
        max_tools: z.number().int().min(1).max(10_000).default(128),
        /** A streaming client that takes nothing of its reply for this long is dropped. */
        stream_stall_ms: z.number().int().min(100).max(3_600_000).default(30_000),
      })
      .strict()
      .refine((s) => s.headers_timeout_ms <= s.request_timeout_ms, {
        message: 'headers_timeout_ms must not exceed request_timeout_ms',
        path: ['headers_timeout_ms'],
      })
      .default(() => ({
        host: '127.0.0.1',
        port: 8080,
        body_limit_bytes: 4 * 1024 * 1024,
        trust_proxy: false,
        shutdown_grace_ms: 30_000,
        headers_timeout_ms: 60_000,
        request_timeout_ms: 300_000,
        max_header_bytes: 16 * 1024,
        max_json_depth: 64,
        max_messages: 2_048,
        max_tools: 128,
        stream_stall_ms: 30_000,
      })),
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
      .default(() => ({
        strategy: 'priority' as const,
        retry: retrySchema.parse({}),
        circuit: circuitSchema.parse({}),
      })),
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
        verify_max_bytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(1024 * 1024),
        /** Public verify calls allowed per client address per minute. */
        verify_per_minute: z.number().int().min(1).default(60),
        /** The operator's CA that certifies the signing keys for C2PA manifests (PEM files). */
        c2pa_issuer: z
          .object({ certificate_file: z.string().min(1), key_file: z.string().min(1) })
          .strict()
          .optional(),
        /** Notice and in-band mark for organisations without a setting of their own, by country (Article 50: the EU). */
        disclosure_default: disclosureDefaultsSchema.optional(),
      })
      .strict()
      .default(() => ({ retention_days: 365, verify_max_bytes: 1024 * 1024, verify_per_minute: 60 })),
    vetting: vettingSchema.default(() => vettingSchema.parse({})),
    audit: auditConfigSchema.default(() => auditConfigSchema.parse({})),
    /** Cluster mode (PostgreSQL, Redis, NATS JetStream); absent: the embedded store. */
    cluster: clusterSchema.optional(),
    security: securityConfigSchema.default(() => ({})),
    /** Prometheus metrics (on by default). */
    observability: observabilityConfigSchema.default(() => observabilityConfigSchema.parse({})),
    demo: z
      .object({ seed: z.boolean().default(false) })
      .strict()
      .default(() => ({ seed: false })),
  })
  .strict();

export type ConduitConfig = z.infer<typeof configSchema>;
/** A deployment as the config file has it (its `type` one of the registry's). */
export type ProviderConfig = ConduitConfig['providers'][number];
export type CatalogueModelConfig = ConduitConfig['models'][number];
export type RegionConfig = ConduitConfig['regions'][number];
