// Admin API for finance: prices, limits and budgets, the ledger, margin reports, reconciliation (invoices: admin-invoicing.ts).
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors.ts';
import type { BelowCost } from '../../metering/below-cost.ts';
import { parseAmount } from '../../metering/money.ts';
import { describeGap } from '../../metering/price-coverage.ts';
import { overrideSchema, priceBookDocument, priceBookSchema } from '../../metering/pricebook.ts';
import type { PricingService } from '../../metering/pricing.ts';
import { parseVendorExport, reconcile } from '../../metering/reconcile.ts';
import { controlDimensions, marginReport, reportGroupings, type ControlOf } from '../../metering/report.ts';
import type { PolicyService } from '../../policy/service.ts';
import { LEDGER_DIMENSIONS, type LedgerStore, type LimitsSettings } from '../../store/ports.ts';
import { toPublicKey, type Tenancy } from '../../tenancy/tenancy.ts';
import { actorOf } from '../actor.ts';
import { orgOr404 as findOrg } from '../lookups.ts';
import { parseInput } from '../validate.ts';
import { api } from '../api.ts';

const money = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const parsed = parseAmount(v);
  if (parsed === null) {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative decimal amount such as "1000.00"' });
    return z.NEVER;
  }
  return Number(parsed);
});
const wholeMicros = z.union([z.number(), z.string().regex(/^\d+$/)]).transform((v, ctx) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    ctx.addIssue({ code: 'custom', message: `must be a whole number of micro-units, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});
/** A budget in currency units (monthly) or, as GET returns it, in whole micro-units (monthly_micros). */
const budgetSchema = z
  .object({ monthly: money.optional(), monthly_micros: wholeMicros.optional(), hard: z.boolean().default(true) })
  .strict()
  .refine(
    (b) => (b.monthly === undefined) !== (b.monthly_micros === undefined),
    'give the monthly budget once: monthly (currency units, such as "1000.00") or monthly_micros (whole micro-units)',
  );
const perMinute = z.number().int().positive();
const limitsSchema = z
  .object({
    budget: budgetSchema.optional(),
    requests_per_minute: perMinute.optional(),
    tokens_per_minute: perMinute.optional(),
    concurrent: perMinute.optional(),
    models: z
      .record(
        z.string(),
        z.object({ requests_per_minute: perMinute.optional(), tokens_per_minute: perMinute.optional() }).strict(),
      )
      .optional(),
  })
  .strict();
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-03');
const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date or time')
  .transform((v) => new Date(v).toISOString());

const keyLimitsSchema = limitsSchema.omit({ models: true });
/** The book is kept as sent, then parsed on its own (its problems are named as the price book's). */
const pricingUpdateSchema = z
  .object({ book: z.unknown(), reason: z.string().trim().min(3), base_version: z.number().int().min(0).optional() })
  .strict();
const idParams = z.object({ id: z.string() });
const keyParams = z.object({ id: z.string(), keyId: z.string() });
const ledgerQuery = z.object({
  group_by: z.string().default(''),
  from: isoDate.optional(),
  to: isoDate.optional(),
  org_id: z.string().optional(),
  vendor: z.string().optional(),
});
const marginQuery = z.object({ month, by: z.enum(reportGroupings).default('territory') });
const reconcileSchema = z
  .object({ vendor: z.string().min(1), csv: z.string().min(1), tolerance: money.optional() })
  .strict();

/** 422 price_below_cost: each price below cost, its field named (within the body's `within` field, when given). */
function belowCostRefused(found: BelowCost[], within: string | null): GatewayError {
  const details = found.map((f) => ({ param: within ? `${within}.${f.param}` : f.param, message: f.message }));
  const more = found.length > 1 ? ` (and ${found.length - 1} more, in details)` : '';
  return new GatewayError(
    'price_below_cost',
    `Refused because pricing.below_cost is "refuse": ${found[0]!.message}${more}.`,
    { param: details[0]!.param, details },
  );
}

const toSettings = (l: z.infer<typeof limitsSchema>): LimitsSettings => ({
  ...l,
  budget: l.budget
    ? { monthly_micros: (l.budget.monthly ?? l.budget.monthly_micros)!, hard: l.budget.hard }
    : undefined,
});

export function adminMeteringRoutes(
  app: FastifyInstance,
  deps: { tenancy: Tenancy; ledger: LedgerStore; pricing: PricingService; policy: PolicyService },
): void {
  const { tenancy, ledger, pricing, policy } = deps;
  const orgOr404 = (id: string) => findOrg(tenancy, id);

  // What is served but not priced today (refused with model_not_priced), so that a change that unprices something says so.
  const unpriced = () => pricing.gaps().map((gap) => ({ ...gap, message: describeGap(gap, pricing.currency) }));
  // Prices below cost are refused (pricing.below_cost: refuse) or answered, logged and audited as a warning (warn).
  const guardCost = (found: BelowCost[], within: string | null, log: FastifyBaseLogger): BelowCost[] => {
    if (found.length > 0 && pricing.belowCostMode === 'refuse') throw belowCostRefused(found, within);
    for (const f of found) log.warn({ below_cost: f }, `price below cost: ${f.message}`);
    return found;
  };
  app.get(
    '/pricing',
    api({
      role: 'viewer',
      summary: 'The price book in force (amounts in micro-units), and what is served but not priced',
    }),
    async () => {
      const { version, book } = pricing.current;
      // Micro-units, stated in the book's amount_unit: PUT reads this document back as the same prices.
      return { version, book: priceBookDocument(book), unpriced: unpriced() };
    },
  );
  app.put(
    '/pricing',
    api({
      role: 'finance',
      summary: 'Replace the price book, whole or not at all',
      body: pricingUpdateSchema.extend({ book: priceBookSchema }),
    }),
    async (request) => {
      const body = parseInput(pricingUpdateSchema, request.body);
      const book = parseInput(priceBookSchema, body.book, 'price book');
      const belowCost = guardCost(pricing.listPricesBelowCost(book), 'book', request.log);
      return {
        version: await pricing.update(
          body.book,
          book,
          actorOf(request),
          body.reason,
          { below_cost: belowCost },
          body.base_version,
        ),
        unpriced: unpriced(),
        below_cost: belowCost,
      };
    },
  );

  app.put(
    '/orgs/:id/pricing',
    api({
      role: 'finance',
      summary: "An organisation's negotiated prices: discount, rates, commitment",
      params: idParams,
      body: overrideSchema,
    }),
    async (request) => {
      const org = await orgOr404(parseInput(idParams, request.params, 'path').id);
      const belowCost = guardCost(
        pricing.customerPricesBelowCost(parseInput(overrideSchema, request.body), org.tier),
        null,
        request.log,
      );
      const updated = await tenancy.updateOrg(org.id, { pricing: request.body as Record<string, unknown> });
      await pricing.overrideChanged(org.id, org.pricing, request.body as Record<string, unknown>, actorOf(request), {
        below_cost: belowCost,
      });
      return { ...updated, below_cost: belowCost };
    },
  );

  app.put(
    '/orgs/:id/limits',
    api({
      role: 'operator',
      summary: "An organisation's budget and rate limits",
      params: idParams,
      body: limitsSchema,
    }),
    async (request) => {
      const org = await orgOr404(parseInput(idParams, request.params, 'path').id);
      return tenancy.updateOrg(org.id, { limits: toSettings(parseInput(limitsSchema, request.body)) });
    },
  );
  app.put(
    '/orgs/:id/keys/:keyId/limits',
    api({ role: 'operator', summary: "One key's budget and rate limits", params: keyParams, body: keyLimitsSchema }),
    async (request) => {
      const { id, keyId } = parseInput(keyParams, request.params, 'path');
      const input = parseInput(keyLimitsSchema, request.body);
      const key = await tenancy.setKeyLimits(id, keyId, toSettings(input));
      if (!key)
        throw new GatewayError('key_not_found', `No key '${keyId}' in organisation '${id}'.`, { param: 'keyId' });
      return toPublicKey(key);
    },
  );

  app.get(
    '/ledger',
    api({ role: 'viewer', summary: 'Usage, cost, price and margin, grouped', querystring: ledgerQuery }),
    async (request) => {
      const q = parseInput(ledgerQuery, request.query, 'query');
      const groupBy = q.group_by.split(',').filter(Boolean);
      const bad = groupBy.find((g) => !(LEDGER_DIMENSIONS as readonly string[]).includes(g));
      if (bad)
        throw new GatewayError(
          'invalid_value',
          `Cannot group by '${bad}'; choose from ${LEDGER_DIMENSIONS.join(', ')}.`,
          { param: 'group_by' },
        );
      const rows = await ledger.aggregate({
        group_by: groupBy as never,
        from: q.from,
        to: q.to,
        org_id: q.org_id,
        vendor: q.vendor,
      });
      return {
        currency: pricing.currency,
        data: rows.map((r) => ({
          ...r.group,
          requests: r.requests,
          prompt_tokens: r.prompt_tokens,
          completion_tokens: r.completion_tokens,
          cost_micros: r.cost_micros.toString(),
          list_price_micros: r.list_price_micros.toString(),
          price_micros: r.price_micros.toString(),
          margin_micros: (r.price_micros - r.cost_micros).toString(),
        })),
      };
    },
  );

  app.get(
    '/reports/margin',
    api({
      role: 'viewer',
      summary: 'Revenue, cost and margin for a month, with growth on the month before',
      querystring: marginQuery,
    }),
    async (request) => {
      const q = parseInput(marginQuery, request.query, 'query');
      return {
        currency: pricing.currency,
        ...(await marginReport(
          ledger,
          q.month,
          q.by,
          (controlDimensions as readonly string[]).includes(q.by) ? await controlOfOrgs() : undefined,
        )),
      };
    },
  );

  // Where each organisation is controlled from, as recorded now (ownership, and the policy's markets).
  const controlOfOrgs = async (): Promise<ControlOf> => {
    const control = new Map((await tenancy.listOrgs()).map((org) => [org.id, policy.jurisdictionOf(org)]));
    return (orgId, incorporatedIn) => {
      const j = control.get(orgId);
      return j
        ? { country: j.controlling_country, market: j.controlling_market }
        : { country: incorporatedIn, market: policy.marketOf(incorporatedIn) };
    };
  };

  app.post(
    '/reconcile',
    api({
      role: 'finance',
      summary: "Compare a vendor's usage export (CSV) with the ledger's cost",
      body: reconcileSchema,
    }),
    async (request) => {
      const body = parseInput(reconcileSchema, request.body);
      return reconcile(
        ledger,
        body.vendor,
        parseVendorExport(body.csv),
        body.tolerance !== undefined ? BigInt(body.tolerance) : undefined,
      );
    },
  );
}
