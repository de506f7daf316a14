// The `observability:` section of the configuration: Prometheus metrics (on by default), OpenTelemetry traces (off).
import { z } from 'zod';
import { httpUrlSchema } from '../util/http-url.ts';

export const metricsConfigSchema = z
  .object({
    /** GET /metrics (an admin principal's token, any role); when false, no metric is recorded and /metrics is 404. */
    enabled: z.boolean().default(true),
  })
  .strict();

export const tracingConfigSchema = z
  .object({
    /** One trace per data-plane request, exported over OTLP/HTTP; when false, no span object is ever made. */
    enabled: z.boolean().default(false),
    /** The collector's OTLP/HTTP traces URL (JSON encoding), e.g. http://collector:4318/v1/traces. */
    otlp_endpoint: httpUrlSchema.default('http://localhost:4318/v1/traces'),
    /** Share of new traces recorded; a request that arrives with a traceparent follows its sampled flag. */
    sample_ratio: z.number().min(0).max(1).default(1),
    /** The service.name resource attribute of every span. */
    service_name: z.string().min(1).max(200).default('conduit'),
  })
  .strict();

export const observabilityConfigSchema = z
  .object({
    metrics: metricsConfigSchema.default(() => metricsConfigSchema.parse({})),
    tracing: tracingConfigSchema.default(() => tracingConfigSchema.parse({})),
  })
  .strict();

export type ObservabilityConfig = z.infer<typeof observabilityConfigSchema>;
export type TracingConfig = z.infer<typeof tracingConfigSchema>;
