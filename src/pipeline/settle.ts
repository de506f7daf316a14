// Hooks: once the reply is delivered (or failed), price it on both legs and write its usage event (the ledger
// entry); durable before the response completes. An event that cannot be made durable (a full disk, the
// event stream down) refuses the reply: nothing reaches a client complete without its bill on record. A stream
// also has an interim record durable before its first byte (metering/interim-usage.ts), so one that cannot be billed is
// refused before anything is served; its final event replaces the interim ones.
import { GatewayError } from '../errors.ts';
import type { PricingService } from '../metering/pricing.ts';
import type { UsageEvent, UsageStore } from '../store/ports.ts';
import { pricedEvent } from '../metering/usage-event.ts';
import type { Hook } from './context.ts';
import type { InterimUsage } from '../metering/interim-usage.ts';

/** Before a stream's first byte: its interim usage record, durable, or the stream is refused. */
export function openInterimUsage(interim: Pick<InterimUsage, 'open'>): Hook {
  return (ctx) =>
    interim.open(ctx).catch((err: unknown) => {
      throw new UsageNotRecorded(err);
    });
}

/** Before the reply completes: the usage event of every request sent to a deployment, priced and durable. */
export function recordUsage(usage: UsageStore, pricing: PricingService, interim?: InterimUsage): Hook {
  return (ctx) => {
    if (!ctx.deployment) return;
    const opened = interim?.ended(ctx) === true;
    let event: UsageEvent;
    try {
      event = pricedEvent(ctx, pricing);
    } catch (err) {
      // An event that cannot even be made withholds the reply, as one that cannot be stored does.
      throw new UsageNotRecorded(err);
    }
    ctx.charges = event;
    return usage.record(event).catch((err: unknown) => {
      // What was streamed is out and billed by its interim record so far: the final event follows when it can.
      if (opened) interim!.settleLater(event);
      throw new UsageNotRecorded(err);
    });
  };
}

/** The reply is withheld: its usage event could not be recorded. */
export class UsageNotRecorded extends GatewayError {
  constructor(readonly reason: unknown) {
    super(
      'usage_not_recorded',
      'The request could not be recorded for billing, so its reply was withheld; retry shortly.',
    );
  }
}
