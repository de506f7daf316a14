// Issuing invoices and credit notes. An invoice is issued once, after its month: it takes the next number of the
// operator's sequence for the year (INV-2026-000001; credit notes CN-2026-000001) and is stored whole, as issued; from
// then on it is what GET returns, whatever the ledger does. Usage of its month recorded later (a replayed outbox, a
// late stream) is billed on the organisation's next invoice to be issued, as late-usage lines naming the month and
// the invoice that missed it (first absorbing any commitment shortfall that invoice billed). Corrections are credit
// notes referencing the invoice. Issues and credit notes run one at a time, so two never bill the same late usage.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.ts';
import { canonical } from '../audit/chain.ts';
import { GatewayError } from '../errors.ts';
import type { BillingStore, LedgerStore, Org } from '../store/ports.ts';
import { composeCreditNote, creditable, type CreditNote } from './credit-note.ts';
import { composeInvoice, monthRange, type BillingProfile, type Invoice, type InvoiceInputs } from './invoice.ts';
import { formatMinor, parseMinor } from './money.ts';
import type { PricingService } from './pricing.ts';
import { vatPrefixOf, type InvoicingConfig } from './tax.ts';
import { lateUsage } from './late-usage.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

/** PUT /admin/v1/orgs/{id}/billing: what the customer's invoices say about it. A tax id is kept without spaces, upper case. */
export const billingProfileSchema = z
  .object({
    legal_name: text(200).optional(),
    address: z.array(text(200)).max(8).optional(),
    tax_id: z
      .string()
      .transform((v) => v.replace(/\s+/g, '').toUpperCase())
      .pipe(
        z
          .string()
          .regex(
            /^[A-Z0-9][A-Z0-9./-]{1,39}$/,
            'must be a tax id such as DE123456789: letters and digits (and . / -), 2 to 40 of them',
          ),
      )
      .nullable()
      .optional(),
    email: z.string().trim().email().optional(),
    purchase_order: text(100).optional(),
    payment_terms_days: z.number().int().min(0).max(365).optional(),
  })
  .strict();

export const creditNoteInputSchema = z
  .object({
    /** Before tax, in currency units (at most the currency's minor digits); absent: all that is left to credit. */
    amount: z.union([z.string(), z.number()]).optional(),
    reason: z.string().trim().min(3).max(500),
  })
  .strict();

const sha256 = (doc: unknown) => createHash('sha256').update(canonical(doc)).digest('hex');
const asInvoice = (doc: Record<string, unknown>) => doc as unknown as Invoice;
const asCreditNote = (doc: Record<string, unknown>) => doc as unknown as CreditNote;

export class InvoicingService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ledger: LedgerStore,
    private readonly store: BillingStore,
    private readonly pricing: PricingService,
    private readonly config: InvoicingConfig,
    private readonly audit: AuditLog,
  ) {}

  async profile(orgId: string): Promise<BillingProfile | undefined> {
    return (await this.store.billingProfile(orgId)) as BillingProfile | undefined;
  }

  /** Replaces the customer's billing details; on the audit log, old and new. */
  async setProfile(org: Org, profile: BillingProfile, actor: string): Promise<BillingProfile> {
    const prefix = vatPrefixOf(org.country);
    if (profile.tax_id && prefix && !new RegExp(`^${prefix}[0-9A-Z+*]{2,13}$`).test(profile.tax_id)) {
      throw new GatewayError(
        'invalid_request',
        `An organisation in ${org.country} gives its EU VAT number: ${prefix} and 2 to 13 letters or digits, such as ${prefix}123456789 (got '${profile.tax_id}').`,
        { param: 'tax_id' },
      );
    }
    const before = await this.store.billingProfile(org.id);
    await this.store.saveBillingProfile(org.id, profile as Record<string, unknown>, new Date().toISOString());
    await this.audit.append({
      actor,
      action: 'billing.profile_updated',
      subject_type: 'org',
      subject_id: org.id,
      data: { old: before ?? null, new: profile as Record<string, unknown> },
    });
    return profile;
  }

  /** The month's invoice as it was issued; before that, a draft from the ledger as it stands now. */
  async invoice(org: Org, month: string, now = new Date()): Promise<Invoice> {
    const issued = await this.store.invoice(org.id, month);
    return issued ? asInvoice(issued.document) : composeInvoice(await this.inputs(org, month, now));
  }

  issue(org: Org, month: string, actor: string, now = new Date()): Promise<Invoice> {
    return this.serially(async () => {
      const { to } = monthRange(month);
      if (now.toISOString() < to)
        throw new GatewayError(
          'month_not_over',
          `${month} is not over: its invoice can be issued from ${to.slice(0, 10)}. Until then GET shows a provisional draft.`,
        );
      const existing = await this.store.invoice(org.id, month);
      if (existing) throw alreadyIssued(existing.number, month);
      const inputs = await this.inputs(org, month, now);
      const draft = composeInvoice(inputs);
      if (!this.config.seller) throw new GatewayError('invoicing_not_configured', draft.warnings.join(' '));
      if (draft.warnings.length > 0) throw new GatewayError('no_tax_rule', draft.warnings.join(' '));
      if (draft.lines.length === 0 && draft.adjustments.length === 0 && draft.total_micros === '0')
        throw new GatewayError(
          'nothing_to_invoice',
          `Nothing to invoice for ${month}: no billable usage and no commitment. No number is used.`,
        );
      const year = now.getUTCFullYear();
      const stored = await this.store.issue('invoice', `INV-${year}`, (sequence) => {
        const number = `INV-${year}-${String(sequence).padStart(6, '0')}`;
        const invoice = composeInvoice({ ...inputs, number });
        return {
          number,
          org_id: org.id,
          month,
          issued_at: invoice.issued_at!,
          invoice_number: null,
          document: invoice as unknown as Record<string, unknown>,
        };
      });
      if (!stored) throw alreadyIssued((await this.store.invoice(org.id, month))?.number ?? 'another number', month);
      const invoice = asInvoice(stored.document);
      await this.audit.append({
        actor,
        action: 'invoice.issued',
        subject_type: 'invoice',
        subject_id: invoice.invoice_number,
        data: {
          org_id: org.id,
          month,
          currency: invoice.currency,
          total_micros: invoice.total_micros,
          subtotal_minor: invoice.subtotal_minor,
          tax_total_minor: invoice.tax_total_minor,
          total_due_minor: invoice.total_due_minor,
          sha256: sha256(invoice),
        },
      });
      return invoice;
    });
  }

  creditNote(
    org: Org,
    month: string,
    input: z.infer<typeof creditNoteInputSchema>,
    actor: string,
    now = new Date(),
  ): Promise<CreditNote> {
    return this.serially(async () => {
      const stored = await this.store.invoice(org.id, month);
      if (!stored)
        throw new GatewayError(
          'invoice_not_issued',
          `The invoice of ${month} is not issued: a draft follows the ledger and needs no credit note. Issue it first (POST .../invoices/${month}/issue).`,
        );
      const invoice = asInvoice(stored.document);
      const previous = (await this.store.creditNotes(invoice.invoice_number)).map((d) => asCreditNote(d.document));
      const left = creditable(invoice, previous);
      const amount = input.amount === undefined ? left : parseMinor(input.amount, invoice.currency);
      if (amount === null)
        throw new GatewayError(
          'invalid_request',
          `amount must be an amount in ${invoice.currency} with at most ${invoice.minor_unit_digits} decimals, such as "${formatMinor(1250n, invoice.currency, false)}".`,
          { param: 'amount' },
        );
      const money = (m: bigint) => formatMinor(m, invoice.currency);
      if (amount > left || amount <= 0n) {
        throw new GatewayError(
          'credit_exceeds_invoice',
          `${money(left)} of ${invoice.invoice_number} (subtotal ${money(BigInt(invoice.subtotal_minor))}) is left to credit${amount > 0n ? `, not ${money(amount)}` : ''}.`,
          { param: input.amount === undefined ? null : 'amount' },
        );
      }
      const year = now.getUTCFullYear();
      const issued = await this.store.issue('credit_note', `CN-${year}`, (sequence) => {
        const number = `CN-${year}-${String(sequence).padStart(6, '0')}`;
        const note = composeCreditNote(invoice, previous, amount, input.reason, number, now);
        return {
          number,
          org_id: org.id,
          month,
          issued_at: note.issued_at,
          invoice_number: invoice.invoice_number,
          document: note as unknown as Record<string, unknown>,
        };
      });
      const note = asCreditNote(issued!.document);
      await this.audit.append({
        actor,
        action: 'credit_note.issued',
        subject_type: 'invoice',
        subject_id: invoice.invoice_number,
        reason: input.reason,
        data: {
          credit_note_number: note.credit_note_number,
          org_id: org.id,
          month,
          currency: note.currency,
          subtotal_minor: note.subtotal_minor,
          tax_total_minor: note.tax_total_minor,
          total_minor: note.total_minor,
          sha256: sha256(note),
        },
      });
      return note;
    });
  }

  /** The credit notes of the month's issued invoice (none before it is issued). */
  async creditNotes(orgId: string, month: string): Promise<CreditNote[]> {
    const invoice = await this.store.invoice(orgId, month);
    return invoice ? (await this.store.creditNotes(invoice.number)).map((d) => asCreditNote(d.document)) : [];
  }

  async creditNoteOf(orgId: string, number: string): Promise<CreditNote | undefined> {
    const found = await this.store.creditNote(number);
    return found && found.org_id === orgId ? asCreditNote(found.document) : undefined;
  }

  private async inputs(org: Org, month: string, now: Date): Promise<InvoiceInputs> {
    const { from, to } = monthRange(month);
    const [rows, adjustments, profile] = await Promise.all([
      this.ledger.aggregate({ group_by: ['model'], from, to, org_id: org.id }),
      this.store.invoices(org.id).then((docs) =>
        lateUsage(
          docs.map((d) => asInvoice(d.document)),
          month,
          org.id,
          this.ledger,
          this.pricing.currency,
        ),
      ),
      this.profile(org.id),
    ]);
    return {
      org,
      month,
      currency: this.pricing.currency,
      override: this.pricing.overrideOf(org),
      rows,
      adjustments,
      profile,
      invoicing: this.config,
      now,
    };
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

const alreadyIssued = (number: string, month: string) =>
  new GatewayError(
    'invoice_already_issued',
    `The invoice of ${month} was issued as ${number}: an invoice is issued once and never changes. Correct it with a credit note (POST .../invoices/${month}/credit-notes).`,
  );
