// Storage ports: Issued invoices and credit notes, and billing profiles.
/** An issued invoice or credit note: numbered, stored whole as it was issued, never changed. */
export interface IssuedDocument {
  number: string;
  org_id: string;
  /** The invoice's month (YYYY-MM); for a credit note, that of the invoice it credits. */
  month: string;
  issued_at: string;
  /** A credit note's invoice (its number); null for an invoice. */
  invoice_number: string | null;
  /** The document (validated by the metering module). */
  document: Record<string, unknown>;
}

export interface BillingStore {
  /** A customer's billing details (legal name, address, tax id), as the metering module validated them. */
  billingProfile(orgId: string): Promise<Record<string, unknown> | undefined>;
  saveBillingProfile(orgId: string, profile: Record<string, unknown>, at: string): Promise<void>;
  invoice(orgId: string, month: string): Promise<IssuedDocument | undefined>;
  invoices(orgId: string): Promise<IssuedDocument[]>;
  creditNote(number: string): Promise<IssuedDocument | undefined>;
  /** The credit notes of an invoice, in the order they were issued. */
  creditNotes(invoiceNumber: string): Promise<IssuedDocument[]>;
  /**
   * Stores an invoice or a credit note under the next number of `series` (its sequence starts at 1), in one
   * transaction: the number is used only if the document is stored, so a sequence has no gaps. `make` builds the
   * document from the sequence number. An invoice is refused (undefined) when its organisation and month have one.
   */
  issue(
    kind: 'invoice' | 'credit_note',
    series: string,
    make: (sequence: number) => IssuedDocument,
  ): Promise<IssuedDocument | undefined>;
}
