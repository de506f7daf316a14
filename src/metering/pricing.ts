// Prices every request on both legs of the trade: vendor cost (per deployment) and customer price (list
// price per model and tier, or the customer's negotiated rates, less its discount). Exact integer money.
import { LOCAL_BUS, type InvalidationBus } from '../store/invalidation.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Org, UsageEvent, VersionedStore } from '../store/ports.ts';
import { NOTHING_SERVED, priceGaps, type PriceCoverage, type PriceGap } from './price-coverage.ts';
import { checkBase, versionConflict } from '../versioned-documents.ts';
import { overrideDocument, priceBookChanges } from './price-changes.ts';
import { customerPricesBelowCost, listPricesBelowCost, type BelowCost } from './below-cost.ts';
import {
  chargeFor,
  overrideSchema,
  priceBookSchema,
  PriceIndex,
  type BelowCostMode,
  type PriceBook,
  type PriceOverride,
  type TokenCounts,
} from './pricebook.ts';

export interface Charges {
  cost_micros: number;
  list_price_micros: number;
  price_micros: number;
}

export class PricingService {
  private index: PriceIndex;
  private version = 1;
  private readonly overrides = new WeakMap<object, PriceOverride>();
  /** Models the configuration declares free of charge, and "deployment model" pairs it declares of no vendor cost. */
  private freeModels!: Set<string>;
  private noVendorCost!: Set<string>;
  /** pricing.below_cost in the configuration: what a price or discount below cost gets. */
  belowCostMode: BelowCostMode;

  constructor(
    initial: PriceBook & { below_cost?: BelowCostMode },
    private readonly store: VersionedStore,
    private readonly audit: AuditLog,
    private coverage: PriceCoverage = NOTHING_SERVED,
    private readonly bus: InvalidationBus = LOCAL_BUS,
  ) {
    // Another node changed the price book: the stored latest version is the one in force.
    bus.subscribe((change) => (change.kind === 'price-book' || change.kind === 'all' ? this.reload() : undefined));
    this.index = new PriceIndex(initial);
    this.belowCostMode = initial.below_cost ?? 'warn';
    this.cover(coverage);
  }

  private cover(coverage: PriceCoverage): void {
    this.coverage = coverage;
    this.freeModels = new Set(coverage.models.filter((m) => m.free).map((m) => m.name));
    this.noVendorCost = new Set(coverage.served.filter((s) => s.free).map((s) => `${s.deployment} ${s.model}`));
  }

  /**
   * A reloaded configuration: what it serves and declares free always; its price book only while the file's is in
   * force (version 1: no change was stored through the admin API since). Says whether the book was taken up.
   */
  useConfig(initial: PriceBook & { below_cost?: BelowCostMode }, coverage: PriceCoverage): boolean {
    this.cover(coverage);
    this.belowCostMode = initial.below_cost ?? 'warn';
    if (this.version !== 1) return false;
    this.index = new PriceIndex(initial);
    return true;
  }

  async init(): Promise<void> {
    const latest = await this.store.latest();
    if (latest) {
      this.index = new PriceIndex(priceBookSchema.parse(latest.document));
      this.version = latest.version;
    }
  }

  /** Takes up a newer stored version (another node's change); the one in force stays when none is newer. */
  private async reload(): Promise<void> {
    const latest = await this.store.latest();
    if (latest && latest.version > this.version) {
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

  /** Replaces the price book (already validated whole); the change lands in the audit log, each changed price old and new. */
  async update(
    raw: unknown,
    book: PriceBook,
    actor: string,
    reason: string,
    data: Record<string, unknown> = {},
    baseVersion?: number,
  ): Promise<number> {
    // Another node may have saved a version that its invalidation has not brought here yet.
    await this.reload();
    checkBase('price book', baseVersion, this.version);
    const version = this.version + 1;
    const changes = priceBookChanges(this.index.book, book);
    const saved = await this.store.save({
      version,
      created_at: new Date().toISOString(),
      actor,
      document: raw as Record<string, unknown>,
    });
    if (!saved) {
      await this.reload();
      throw versionConflict('price book', version);
    }
    await this.audit.append({
      actor,
      action: 'pricing.updated',
      subject_type: 'price_book',
      subject_id: String(version),
      reason,
      data: {
        currency: book.currency,
        versions: book.versions.map((v) => v.effective_from),
        previous_version: this.version,
        amount_unit: 'micros',
        changes,
        ...data,
      },
    });
    this.index = new PriceIndex(book);
    this.version = version;
    this.bus.publish({ kind: 'price-book' });
    return version;
  }

  /** List prices of `book` (the one in force by default) below the vendor cost of a deployment serving their model. */
  listPricesBelowCost(book: PriceBook = this.index.book, today = new Date().toISOString().slice(0, 10)): BelowCost[] {
    return listPricesBelowCost(book, this.coverage, today);
  }

  /** What a customer of this tier would pay below cost under these negotiated terms, against the book in force. */
  customerPricesBelowCost(
    override: PriceOverride,
    tier: Org['tier'],
    today = new Date().toISOString().slice(0, 10),
  ): BelowCost[] {
    return customerPricesBelowCost(this.index.book, this.coverage, today, override, tier);
  }

  /** What the configuration serves that the price book does not price at `at` (and is not declared free). */
  gaps(at = new Date().toISOString()): PriceGap[] {
    return priceGaps(this.coverage, this.index, at);
  }

  /** The deployment's vendor cost for the model is known (or declared nothing). */
  costPriced(at: string, deployment: string, model: string): boolean {
    return (
      this.noVendorCost.has(`${deployment} ${model}`) || this.index.vendorRates(at, deployment, model) !== undefined
    );
  }

  /** What this organisation pays for the model is known: a list price for its tier, negotiated rates, or free of charge. */
  listPriced(at: string, model: string, org: Org): boolean {
    return (
      this.freeModels.has(model) ||
      this.index.listRates(at, model, org.tier) !== undefined ||
      this.overrideOf(org)?.rates.some((r) => r.model === model) === true
    );
  }

  charge(event: Pick<UsageEvent, 'ts' | 'deployment' | 'model' | 'endpoint'> & TokenCounts, org: Org): Charges {
    const vendor = this.noVendorCost.has(`${event.deployment} ${event.model}`)
      ? undefined
      : this.index.vendorRates(event.ts, event.deployment, event.model);
    const cost = vendor ? chargeFor(event, vendor) : 0n;
    if (event.endpoint === 'shadow' || this.freeModels.has(event.model))
      return { cost_micros: Number(cost), list_price_micros: 0, price_micros: 0 };
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
    if (this.freeModels.has(model)) return 0n;
    const listRates = this.index.listRates(at, model, org.tier);
    const negotiated = this.overrideOf(org)?.rates.find((r) => r.model === model);
    const rates = negotiated ?? listRates;
    if (!rates) return 0n;
    // Every prompt token at the dearest input rate, every completion token at the dearest output rate.
    const input = dearest(rates.input, rates.cache_write, rates.cache_write_1h);
    const output = dearest(rates.output, rates.reasoning);
    return chargeFor(
      {
        prompt_tokens: promptTokens,
        cached_tokens: 0,
        cache_write_tokens: 0,
        cache_write_1h_tokens: 0,
        completion_tokens: maxCompletionTokens,
        reasoning_tokens: 0,
      },
      { input, output },
    );
  }

  /** A customer's negotiated terms changed (`before` as they were, `after` as now stored): on the record, old and new. */
  async overrideChanged(
    orgId: string,
    before: Org['pricing'],
    after: Org['pricing'],
    actor: string,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const parse = (doc: Org['pricing']) => (doc ? overrideSchema.parse(doc) : undefined);
    await this.audit.append({
      actor,
      action: 'pricing.override_updated',
      subject_type: 'org',
      subject_id: orgId,
      data: { old: overrideDocument(parse(before)), new: overrideDocument(parse(after)), ...data },
    });
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

/** The highest of the rates stated. */
const dearest = (rate: bigint, ...others: Array<bigint | undefined>): bigint =>
  others.reduce<bigint>((max, r) => (r !== undefined && r > max ? r : max), rate);
