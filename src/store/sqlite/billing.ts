// Issued invoices and credit notes, their numbering sequences, customers' billing details. A document and the number
// it takes are written in one synchronous transaction on the connection (nothing else runs on it meanwhile): a
// number is used only if its document is stored, and an organisation's month gets one invoice at most.
import type Database from 'better-sqlite3';
import type { BillingStore, IssuedDocument } from '../ports.ts';
import { issuedDocumentFromRow, type IssuedDocumentRow } from '../sql/issued-documents.ts';

const COLUMNS = 'number, org_id, month, issued_at, invoice_number, document';

export class SqlBillingStore implements BillingStore {
  private readonly issueTx: (
    kind: 'invoice' | 'credit_note',
    series: string,
    make: (sequence: number) => IssuedDocument,
  ) => IssuedDocument | undefined;

  constructor(private readonly raw: Database.Database) {
    const last = raw.prepare<[string], { last_value: number }>(
      'select last_value from document_sequences where series = ?',
    );
    const advance = raw.prepare(
      'insert into document_sequences (series, last_value) values (?, ?) on conflict (series) do update set last_value = excluded.last_value',
    );
    const taken = raw.prepare<[string, string], { number: string }>(
      "select number from issued_documents where kind = 'invoice' and org_id = ? and month = ?",
    );
    const insert = raw.prepare(`insert into issued_documents (kind, ${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?)`);
    // Immediate: it reads the sequence and then writes; begun deferred, a commit by another connection in between
    // (the usage writer thread) would fail it with SQLITE_BUSY_SNAPSHOT instead of waiting its turn.
    this.issueTx = raw.transaction(
      (kind: 'invoice' | 'credit_note', series: string, make: (sequence: number) => IssuedDocument) => {
        const next = (last.get(series)?.last_value ?? 0) + 1;
        const doc = make(next);
        if (kind === 'invoice' && taken.get(doc.org_id, doc.month)) return undefined;
        advance.run(series, next);
        insert.run(
          kind,
          doc.number,
          doc.org_id,
          doc.month,
          doc.issued_at,
          doc.invoice_number,
          JSON.stringify(doc.document),
        );
        return doc;
      },
    ).immediate;
  }

  async billingProfile(orgId: string): Promise<Record<string, unknown> | undefined> {
    const row = this.raw
      .prepare<[string], { profile: string }>('select profile from billing_profiles where org_id = ?')
      .get(orgId);
    return row ? (JSON.parse(row.profile) as Record<string, unknown>) : undefined;
  }

  async saveBillingProfile(orgId: string, profile: Record<string, unknown>, at: string): Promise<void> {
    this.raw
      .prepare(
        'insert into billing_profiles (org_id, updated_at, profile) values (?, ?, ?) on conflict (org_id) do update set updated_at = excluded.updated_at, profile = excluded.profile',
      )
      .run(orgId, at, JSON.stringify(profile));
  }

  async invoice(orgId: string, month: string): Promise<IssuedDocument | undefined> {
    const row = this.raw
      .prepare<[string, string], IssuedDocumentRow>(
        `select ${COLUMNS} from issued_documents where kind = 'invoice' and org_id = ? and month = ?`,
      )
      .get(orgId, month);
    return row ? issuedDocumentFromRow(row) : undefined;
  }

  async invoices(orgId: string): Promise<IssuedDocument[]> {
    return this.raw
      .prepare<[string], IssuedDocumentRow>(
        `select ${COLUMNS} from issued_documents where kind = 'invoice' and org_id = ? order by month`,
      )
      .all(orgId)
      .map(issuedDocumentFromRow);
  }

  async creditNote(number: string): Promise<IssuedDocument | undefined> {
    const row = this.raw
      .prepare<[string], IssuedDocumentRow>(
        `select ${COLUMNS} from issued_documents where kind = 'credit_note' and number = ?`,
      )
      .get(number);
    return row ? issuedDocumentFromRow(row) : undefined;
  }

  async creditNotes(invoiceNumber: string): Promise<IssuedDocument[]> {
    return this.raw
      .prepare<[string], IssuedDocumentRow>(
        `select ${COLUMNS} from issued_documents where kind = 'credit_note' and invoice_number = ? order by issued_at, number`,
      )
      .all(invoiceNumber)
      .map(issuedDocumentFromRow);
  }

  async issue(
    kind: 'invoice' | 'credit_note',
    series: string,
    make: (sequence: number) => IssuedDocument,
  ): Promise<IssuedDocument | undefined> {
    return this.issueTx(kind, series, make);
  }
}
