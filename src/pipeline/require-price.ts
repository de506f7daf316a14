// Stage: only what has a price on both legs is served: the model a list price for the customer's tier (or
// negotiated rates), the deployment a vendor cost, unless the configuration declares them free. An unpriced
// request would otherwise be costed or charged 0 without a word.
import { GatewayError } from '../errors.ts';
import type { PricingService } from '../metering/pricing.ts';
import type { Stage } from './context.ts';

export function requirePrice(pricing: Pick<PricingService, 'costPriced' | 'listPriced'>): Stage {
  return (ctx) => {
    const org = ctx.principal!.org;
    const at = ctx.receivedAt;
    const attempts = ctx.attempts!;
    const priced = attempts.filter(
      (a) => pricing.listPriced(at, a.model.name, org) && pricing.costPriced(at, a.deployment.id, a.model.name),
    );
    if (priced.length === attempts.length) return;
    if (priced.length > 0) {
      ctx.attempts = priced;
      return;
    }
    const name = ctx.model!.name;
    const why = pricing.listPriced(at, name, org)
      ? `no deployment of it that may serve you has a vendor cost in the price book (${[...new Set(attempts.filter((a) => a.model.name === name).map((a) => a.deployment.id))].join(', ')})`
      : `it has no list price for your organisation's tier (${org.tier})`;
    // 503: the operator must price it; retrying will not help until then.
    throw new GatewayError(
      'model_not_priced',
      `The model '${name}' is not served until it is priced: ${why}. Ask the operator of this service to price it.`,
      {
        param: 'model',
        headers: { 'x-should-retry': 'false' },
      },
    );
  };
}
