// Issued invoices and credit notes in PostgreSQL. A document and its number are written in one transaction: the
// series' row is advanced first (locking it until commit, so nodes issuing at once take numbers in turn), and
// rolled back with the document when it is refused, so a sequence has no gaps.
import { sql, type Kysely } from 'kysely';
import type { BillingStore, IssuedDocument } from '../ports.ts';
import { issuedDocumentFromRow, type IssuedDocumentRow } from '../sql/issued-documents.ts';

const COLUMNS = ['number', 'org_id', 'month', 'issued_at', 'invoice_number', 'document'] as const;

/** Thrown inside the issuing transaction to roll it back: the organisation's month has its invoice. */
class AlreadyInvoiced extends Error {}
const UNIQUE_VIOLATION = '23505';

export class PgBillingStore implements BillingStore {
  constructor(private readonly db: Kysely<any>) {}

  async billingProfile(orgId: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.db
      .selectFrom('billing_profiles')
      .select('profile')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    return row ? (JSON.parse(String(row.profile)) as Record<string, unknown>) : undefined;
  }

  async saveBillingProfile(orgId: string, profile: Record<string, unknown>, at: string): Promise<void> {
    const text = JSON.stringify(profile);
    await this.db
      .insertInto('billing_profiles')
      .values({ org_id: orgId, updated_at: at, profile: text })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ updated_at: at, profile: text }))
      .execute();
  }

  async invoice(orgId: string, month: string): Promise<IssuedDocument | undefined> {
    const row = await this.documents()
      .where('kind', '=', 'invoice')
      .where('org_id', '=', orgId)
      .where('month', '=', month)
      .executeTakeFirst();
    return row ? issuedDocumentFromRow(row as IssuedDocumentRow) : undefined;
  }

  async invoices(orgId: string): Promise<IssuedDocument[]> {
    const rows = await this.documents()
      .where('kind', '=', 'invoice')
      .where('org_id', '=', orgId)
      .orderBy('month')
      .execute();
    return (rows as IssuedDocumentRow[]).map(issuedDocumentFromRow);
  }

  async creditNote(number: string): Promise<IssuedDocument | undefined> {
    const row = await this.documents()
      .where('kind', '=', 'credit_note')
      .where('number', '=', number)
      .executeTakeFirst();
    return row ? issuedDocumentFromRow(row as IssuedDocumentRow) : undefined;
  }

  async creditNotes(invoiceNumber: string): Promise<IssuedDocument[]> {
    const rows = await this.documents()
      .where('kind', '=', 'credit_note')
      .where('invoice_number', '=', invoiceNumber)
      .orderBy('issued_at')
      .orderBy('number')
      .execute();
    return (rows as IssuedDocumentRow[]).map(issuedDocumentFromRow);
  }

  async issue(
    kind: 'invoice' | 'credit_note',
    series: string,
    make: (sequence: number) => IssuedDocument,
  ): Promise<IssuedDocument | undefined> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ last_value: number }>`insert into document_sequences (series, last_value)
          values (${series}, 1) on conflict (series) do update set last_value = document_sequences.last_value + 1
          returning last_value`.execute(trx);
        const doc = make(Number(rows[0]!.last_value));
        if (kind === 'invoice') {
          const taken = await trx
            .selectFrom('issued_documents')
            .select('number')
            .where('kind', '=', 'invoice')
            .where('org_id', '=', doc.org_id)
            .where('month', '=', doc.month)
            .executeTakeFirst();
          if (taken) throw new AlreadyInvoiced();
        }
        await trx
          .insertInto('issued_documents')
          .values({
            kind,
            number: doc.number,
            org_id: doc.org_id,
            month: doc.month,
            issued_at: doc.issued_at,
            invoice_number: doc.invoice_number,
            document: JSON.stringify(doc.document),
          })
          .execute();
        return doc;
      });
    } catch (err) {
      // Another node issued this month's invoice between the check and the insert: the unique index refused ours.
      if (err instanceof AlreadyInvoiced) return undefined;
      if (kind === 'invoice' && (err as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
      throw err;
    }
  }

  private documents() {
    return this.db.selectFrom('issued_documents').select([...COLUMNS]);
  }
}
