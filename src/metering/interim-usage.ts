// A stream's bill before it ends. Its first record is made durable before the first byte reaches the client (the
// opening: nothing delivered yet), and about once a second the streams that delivered more get another,
// numbered one (what was delivered so far). All are interim and estimated (the prompt by its size, the output
// by the events that delivered text, each a token or more: never more than was delivered); the final event
// (pipeline/settle.ts) replaces them by request id. So a gateway that dies mid-stream leaves each stream billed for
// about what it delivered, and a stream that cannot be billed is refused before anything is served. No tokenizer:
// its thread (token-count-thread.ts) would then run in every gateway serving streams, not only after a cut.
import type { PricingService } from './pricing.ts';
import type { UsageEvent, UsageStore } from '../store/ports.ts';
import type { MeteredRequest } from './metered-request.ts';
import { pricedEvent } from './usage-event.ts';
import { NO_USAGE } from '../wire/usage.ts';

/** How often streams under way get a record of what they delivered. */
export const INTERIM_EVERY_MS = 1000;

interface Live {
  /** The last record's number. */
  interim: number;
  /** What it billed for the output. */
  completionTokens: number;
}

export class InterimUsage {
  private readonly live = new Map<MeteredRequest, Live>();
  /** Final events that could not be made durable when their stream ended: tried again on every tick. */
  private unsettled: UsageEvent[] = [];
  private ticking = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly usage: UsageStore,
    private readonly pricing: PricingService,
    private readonly onError: (err: unknown) => void,
    everyMs = INTERIM_EVERY_MS,
  ) {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  /** Records the stream's opening; resolves once it is durable, rejects when it cannot be made so. */
  async open(ctx: MeteredRequest): Promise<void> {
    await this.usage.record(this.record(ctx, 0, 0));
    this.live.set(ctx, { interim: 0, completionTokens: 0 });
  }

  /** The stream ended: its final event takes over. False if it was never opened. */
  ended(ctx: MeteredRequest): boolean {
    return this.live.delete(ctx);
  }

  /** A delivered stream's final event the outbox refused: kept, and recorded once it can be. */
  settleLater(event: UsageEvent): void {
    this.unsettled.push(event);
  }

  /** Stops, after one more try at the final events still waiting. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.retryUnsettled();
  }

  private record(ctx: MeteredRequest, interim: number, completionTokens: number): UsageEvent {
    // The prompt by its size (as budgets reserve): not worth a tokenizer pass for a record the final one replaces.
    const promptTokens = Math.ceil(ctx.bodyBytes / 4);
    return pricedEvent(ctx, this.pricing, {
      ...NO_USAGE,
      interim,
      estimated: true,
      status: 200,
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
    });
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.retryUnsettled();
      this.checkpoint();
    } catch (err) {
      if (!this.closed) this.onError(err);
    } finally {
      this.ticking = false;
    }
  }

  /** Records what each stream delivered since its last record, if anything. */
  private checkpoint(): void {
    for (const [ctx, live] of this.live) {
      const delivered = ctx.outputPieces ?? 0;
      if (delivered <= live.completionTokens) continue;
      live.completionTokens = delivered;
      // Not waited for: a later record (or the final event) supersedes one that failed.
      this.usage.record(this.record(ctx, ++live.interim, delivered)).catch(this.onError);
    }
  }

  private async retryUnsettled(): Promise<void> {
    if (this.unsettled.length === 0) return;
    const events = this.unsettled;
    this.unsettled = [];
    const outcomes = await Promise.allSettled(events.map((e) => this.usage.record(e)));
    outcomes.forEach((o, i) => {
      if (o.status === 'rejected') this.unsettled.push(events[i]!);
    });
  }
}
