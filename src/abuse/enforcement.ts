// Graded, proportionate enforcement: low-confidence flags only alert; throttling and re-vetting come next;
// automatic suspension needs a high score (and the operator's consent) and a reviewer can always reverse it.
import { z } from 'zod';

export const abuseConfigSchema = z
  .object({
    flag_threshold: z.number().gt(0).max(1).default(0.5),
    throttle_threshold: z.number().gt(0).max(1).default(0.7),
    suspend_threshold: z.number().gt(0).max(1).default(0.9),
    /** Suspend automatically at suspend_threshold (reversible by a reviewer); otherwise require re-vetting. */
    auto_suspend: z.boolean().default(false),
    /** Requests per minute for a throttled organisation. */
    throttle_requests_per_minute: z.number().int().positive().default(10),
    /** alert_only: record and alert, never act (for trying thresholds on live traffic). */
    mode: z.enum(['enforce', 'alert_only']).default('enforce'),
  })
  .strict()
  .refine((c) => c.flag_threshold <= c.throttle_threshold && c.throttle_threshold <= c.suspend_threshold, { message: 'thresholds must rise: flag <= throttle <= suspend' });

export type AbuseConfig = z.infer<typeof abuseConfigSchema>;
export type EnforcementAction = 'none' | 'flag' | 'throttle' | 'require_revetting' | 'suspend';

export function actionFor(score: number, config: AbuseConfig): EnforcementAction {
  if (config.mode === 'alert_only') return score >= config.flag_threshold ? 'flag' : 'none';
  if (score >= config.suspend_threshold) return config.auto_suspend ? 'suspend' : 'require_revetting';
  if (score >= config.throttle_threshold) return 'throttle';
  if (score >= config.flag_threshold) return 'flag';
  return 'none';
}
