// Prices every request on both legs of the trade: vendor cost (per deployment) and customer price (list
// price per model and tier, or the customer's negotiated rates, less its discount). Exact integer money.
import type { AuditLog } from '../audit/audit-log.ts';
import type { Org, UsageEvent, VersionedStore } from '../store/ports.ts';
import { chargeFor, overrideSchema, priceBookSchema, PriceIndex, type PriceBook, type PriceOverride, type TokenCounts } from './pricebook.ts';

export interface Charges {
  cost_micros: number;
  list_price_micros: number;
  price_micros: number;
}

export class PricingService {
  private index: PriceIndex;
  private version = 1;
  private readonly overrides = new WeakMap<object, PriceOverride>();

  constructor(
    initial: PriceBook,
    private readonly store: VersionedStore,
    private readonly audit: AuditLog,
  ) {
    this.index = new PriceIndex(initial);
  }

  async init(): Promise<void> {
    const latest = await this.store.latest();
    if (latest) {
      this.index = new PriceIndex(priceBookSchema.parse(latest.document));
      this.version = latest.version;
    }
  }

  get currency(): string {
    return this.index.book.currency;
  }

  get current() {
    return { version: this.version, book: this.index.book };
  }

  /** Replaces the price book (already validated whole); the change lands in the audit log. */
  async update(raw: unknown, book: PriceBook, actor: string, reason: string): Promise<number> {
    const version = this.version + 1;
    await this.store.save({ version, created_at: new Date().toISOString(), actor, document: raw as Record<string, unknown> });
    await this.audit.append({ actor, action: 'pricing.updated', subject_type: 'price_book', subject_id: String(version), reason, data: { currency: book.currency, versions: book.versions.map((v) => v.effective_from) } });
    this.index = new PriceIndex(book);
    this.version = version;
    return version;
  }

  charge(event: Pick<UsageEvent, 'ts' | 'deployment' | 'model' | 'endpoint'> & TokenCounts, org: Org): Charges {
    const vendor = this.index.vendorRates(event.ts, event.deployment, event.model);
    const cost = vendor ? chargeFor(event, vendor) : 0n;
    if (event.endpoint === 'shadow') return { cost_micros: Number(cost), list_price_micros: 0, price_micros: 0 };
    const listRates = this.index.listRates(event.ts, event.model, org.tier);
    const list = listRates ? chargeFor(event, listRates) : 0n;
    const override = this.overrideOf(org);
    const negotiated = override?.rates.find((r) => r.model === event.model);
    let price = negotiated ? chargeFor(event, negotiated) : list;
    if (override && override.discount_pct > 0) {
      const basisPoints = BigInt(Math.round(override.discount_pct * 100));
      price = (price * (10_000n - basisPoints) + 5_000n) / 10_000n;
    }
    return { cost_micros: Number(cost), list_price_micros: Number(list), price_micros: Number(price) };
  }

  /** Upper bound of a request's price, for budget reservations. */
  upperBound(org: Org, model: string, at: string, promptTokens: number, maxCompletionTokens: number): bigint {
    const listRates = this.index.listRates(at, model, org.tier);
    const negotiated = this.overrideOf(org)?.rates.find((r) => r.model === model);
    const rates = negotiated ?? listRates;
    if (!rates) return 0n;
    const out = rates.reasoning && rates.reasoning > rates.output ? rates.reasoning : rates.output;
    return chargeFor({ prompt_tokens: promptTokens, cached_tokens: 0, completion_tokens: maxCompletionTokens, reasoning_tokens: 0 }, { input: rates.input, output: out });
  }

  overrideOf(org: Org): PriceOverride | undefined {
    if (!org.pricing) return undefined;
    let parsed = this.overrides.get(org.pricing);
    if (!parsed) {
      parsed = overrideSchema.parse(org.pricing);
      this.overrides.set(org.pricing, parsed);
    }
    return parsed;
  }
}
