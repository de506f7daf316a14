import { describe, expect, it } from 'vitest';
import type { IssuedDocument } from '../ports.ts';
import { SqlBillingStore } from './billing.ts';
import { migrate, openSqlite } from './db.ts';

const invoice =
  (org: string, month: string, year = 2026) =>
  (n: number): IssuedDocument => ({
    number: `INV-${year}-${n}`,
    org_id: org,
    month,
    issued_at: '2026-12-01T00:00:00.000Z',
    invoice_number: null,
    document: { n },
  });

describe('issued documents', () => {
  it('numbers without gaps: a number is used only by a document stored, one invoice per organisation and month', async () => {
    const { db, raw } = openSqlite(':memory:');
    await migrate(db);
    const store = new SqlBillingStore(raw);
    expect((await store.issue('invoice', 'INV-2026', invoice('a', '2026-10')))?.number).toBe('INV-2026-1');
    // Refused (a second invoice for the month), or failed while building: the number is not used.
    expect(await store.issue('invoice', 'INV-2026', invoice('a', '2026-10'))).toBeUndefined();
    await expect(
      store.issue('invoice', 'INV-2026', () => {
        throw new Error('build failed');
      }),
    ).rejects.toThrow('build failed');
    expect((await store.issue('invoice', 'INV-2026', invoice('b', '2026-10')))?.number).toBe('INV-2026-2');
    // Series are apart; credit notes are listed by their invoice, in order.
    expect((await store.issue('invoice', 'INV-2027', invoice('a', '2026-12', 2027)))?.number).toBe('INV-2027-1');
    const credit = (n: number): IssuedDocument => ({
      number: `CN-${n}`,
      org_id: 'a',
      month: '2026-10',
      issued_at: `2026-12-0${n}T00:00:00.000Z`,
      invoice_number: 'INV-2026-1',
      document: {},
    });
    await store.issue('credit_note', 'CN-2026', credit);
    await store.issue('credit_note', 'CN-2026', credit);
    expect((await store.creditNotes('INV-2026-1')).map((c) => c.number)).toEqual(['CN-1', 'CN-2']);
    expect((await store.invoice('a', '2026-10'))?.document).toEqual({ n: 1 });
    expect((await store.invoices('a')).map((i) => i.month)).toEqual(['2026-10', '2026-12']);
    await db.destroy();
  });
});
