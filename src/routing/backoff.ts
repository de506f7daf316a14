// Delay before retrying: exponential with full jitter, never shorter than the vendor's Retry-After.
import type { ConduitConfig } from '../config/schema.ts';

export function backoffMs(
  round: number,
  retry: ConduitConfig['routing']['retry'],
  random: () => number,
  retryAfterMs = 0,
): number {
  const ceiling = Math.min(retry.max_delay_ms, retry.base_delay_ms * 2 ** Math.max(0, round - 1));
  return Math.max(retryAfterMs, Math.floor(random() * ceiling));
}
