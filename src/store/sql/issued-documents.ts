// The issued_documents table's rows as the billing stores read them, for the SQLite and PostgreSQL stores alike.
import type { IssuedDocument } from '../ports.ts';

/** A row of issued_documents, as selected by the billing stores (the document is stored whole, as JSON text). */
export interface IssuedDocumentRow {
  number: string;
  org_id: string;
  month: string;
  issued_at: string;
  invoice_number: string | null;
  document: string;
}

export const issuedDocumentFromRow = (r: IssuedDocumentRow): IssuedDocument => ({
  number: r.number,
  org_id: r.org_id,
  month: r.month,
  issued_at: r.issued_at,
  invoice_number: r.invoice_number,
  document: JSON.parse(r.document) as Record<string, unknown>,
});
