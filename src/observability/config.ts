// The `observability:` section of the configuration: Prometheus metrics (on by default).
import { z } from 'zod';

export const metricsConfigSchema = z
  .object({
    /** GET /metrics (an admin principal's token, any role); when false, no metric is recorded and /metrics is 404. */
    enabled: z.boolean().default(true),
  })
  .strict();

export const observabilityConfigSchema = z
  .object({
    metrics: metricsConfigSchema.default(() => metricsConfigSchema.parse({})),
  })
  .strict();

export type ObservabilityConfig = z.infer<typeof observabilityConfigSchema>;
