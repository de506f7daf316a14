// How the SIMULATOR misbehaves on purpose, so failure handling has a real peer to fail against.
import { z } from 'zod';
import { prng } from '../../util/prng.ts';

export const simulatorFaultsSchema = z
  .object({
    /** Delay before the response starts (status line and headers). */
    first_byte_ms: z.number().int().min(0).max(600_000).default(0),
    /** Delay between streamed chunks. */
    token_delay_ms: z.number().min(0).max(10_000).default(0),
    /** Share of requests answered 500. */
    error_rate: z.number().min(0).max(1).default(0),
    /** Share of requests answered 429 with Retry-After. */
    rate_limit_rate: z.number().min(0).max(1).default(0),
    retry_after_s: z.number().int().min(0).max(3600).default(1),
    /** Share of requests that never get an answer. */
    hang_rate: z.number().min(0).max(1).default(0),
    /** Share of streams cut after half their chunks (JSON replies: half their bytes). */
    truncate_rate: z.number().min(0).max(1).default(0),
    /** Share of replies that are not valid JSON. */
    malformed_rate: z.number().min(0).max(1).default(0),
    seed: z.number().int().default(1),
    /** Not a fault: make every reply this many tokens long (0 = the simulator's own varied length). */
    reply_tokens: z.number().int().min(0).max(100_000).default(0),
  })
  .strict();

export type SimulatorFaults = z.infer<typeof simulatorFaultsSchema>;
export type SimulatorFaultsInput = z.input<typeof simulatorFaultsSchema>;

export type Fault = 'none' | 'error' | 'rate_limit' | 'hang' | 'truncate' | 'malformed';

/** Draws one fault per request from a seeded sequence, so a test run is reproducible. */
export class FaultDice {
  private random: () => number;
  constructor(public faults: SimulatorFaults) {
    this.random = prng(faults.seed);
  }

  set(faults: SimulatorFaults): void {
    this.faults = faults;
    this.random = prng(faults.seed);
  }

  roll(): Fault {
    const f = this.faults;
    const r = this.random();
    let edge = f.error_rate;
    if (r < edge) return 'error';
    if (r < (edge += f.rate_limit_rate)) return 'rate_limit';
    if (r < (edge += f.hang_rate)) return 'hang';
    if (r < (edge += f.truncate_rate)) return 'truncate';
    if (r < edge + f.malformed_rate) return 'malformed';
    return 'none';
  }
}
