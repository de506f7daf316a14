// Finance's actions on a month's invoice: issue it (numbered and stored, once, when the month is over), credit it
// (all that is left, or an amount before tax), and the credit notes already written, to download.
import { useState, type FormEvent } from 'react';
import { useCan, useSession } from '../../session.tsx';
import type { List } from '../../types.ts';
import { Async, ErrorNote, Field, download, useApi } from '../../ui.tsx';

interface CreditNote {
  credit_note_number: string;
  issue_date: string;
  currency: string;
  minor_unit_digits: number;
  total_minor: string;
  reason: string;
}

/** An amount in minor units (cents) shown in its currency, exactly: the digits are placed, not divided. */
function minor(amount: string, digits: number, currency: string): string {
  const padded = amount.padStart(digits + 1, '0');
  return `${currency} ${digits ? `${padded.slice(0, -digits)}.${padded.slice(-digits)}` : padded}`;
}

export function InvoiceActions({
  orgId,
  month,
  status,
  invoiceNumber,
  onChanged,
}: {
  orgId: string;
  month: string;
  /** provisional: the month is under way; final: over, not issued yet; issued. */
  status: 'provisional' | 'final' | 'issued';
  invoiceNumber: string;
  onChanged(): void;
}) {
  const { client } = useSession();
  const canAct = useCan('finance');
  const [outcome, setOutcome] = useState<{ ok: boolean; text?: string; error?: unknown }>();
  const issued = status === 'issued';
  if (!canAct && !issued) return null;
  const issue = async () => {
    if (!window.confirm(`Issue the invoice of ${month}? It is numbered and cannot be changed afterwards.`)) return;
    setOutcome(undefined);
    try {
      const inv = await client.call<{ invoice_number: string }>('POST', `/orgs/${orgId}/invoices/${month}/issue`);
      setOutcome({ ok: true, text: `Issued as ${inv.invoice_number}.` });
      onChanged();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  return (
    <div className="invoice-actions">
      {canAct && status === 'final' && (
        <button type="button" onClick={issue}>
          Issue invoice for {month}
        </button>
      )}
      {canAct && status === 'provisional' && (
        <p className="muted">{month} is under way: its invoice can be issued once the month is over.</p>
      )}
      {outcome?.ok && (
        <p className="state ok" role="status">
          {outcome.text}
        </p>
      )}
      {outcome && !outcome.ok && <ErrorNote error={outcome.error} title="Invoice not issued" />}
      {issued && <CreditNotes orgId={orgId} month={month} invoiceNumber={invoiceNumber} />}
    </div>
  );
}

function CreditNotes({ orgId, month, invoiceNumber }: { orgId: string; month: string; invoiceNumber: string }) {
  const { client } = useSession();
  const notes = useApi<List<CreditNote>>(`/orgs/${orgId}/invoices/${month}/credit-notes`);
  const canAct = useCan('finance');
  const [error, setError] = useState<unknown>();
  const fetchAs = async (number: string, format: 'json' | 'csv' | 'html') => {
    setError(undefined);
    try {
      const res = await client.fetchRaw(`/orgs/${orgId}/credit-notes/${encodeURIComponent(number)}?format=${format}`);
      download(await res.blob(), `${number}.${format}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <h3>Credit notes on {invoiceNumber}</h3>
      <Async
        result={notes}
        what="credit notes"
        isEmpty={(l) => l.data.length === 0}
        empty="No credit note on this invoice."
      >
        {(l) => (
          <table aria-label="Credit notes">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Date</th>
                <th scope="col">Reason</th>
                <th scope="col" className="num">
                  Credited
                </th>
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {l.data.map((n) => (
                <tr key={n.credit_note_number}>
                  <td>{n.credit_note_number}</td>
                  <td>{n.issue_date}</td>
                  <td>{n.reason}</td>
                  <td className="num">{minor(n.total_minor, n.minor_unit_digits, n.currency)}</td>
                  <td className="link-row">
                    {(['json', 'csv', 'html'] as const).map((f) => (
                      <button
                        key={f}
                        type="button"
                        className="link"
                        aria-label={`Download ${n.credit_note_number} as ${f.toUpperCase()}`}
                        onClick={() => fetchAs(n.credit_note_number, f)}
                      >
                        {f.toUpperCase()}
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
      {error !== undefined && <ErrorNote error={error} title="Download failed" />}
      {canAct && <CreditNoteForm orgId={orgId} month={month} onCredited={notes.reload} />}
    </>
  );
}

function CreditNoteForm({ orgId, month, onCredited }: { orgId: string; month: string; onCredited(): void }) {
  const { client } = useSession();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; text?: string; error?: unknown }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const note = await client.call<CreditNote>('POST', `/orgs/${orgId}/invoices/${month}/credit-notes`, {
        ...(amount.trim() ? { amount: amount.trim() } : {}),
        reason,
      });
      setOutcome({
        ok: true,
        text: `Credit note ${note.credit_note_number} written: ${minor(note.total_minor, note.minor_unit_digits, note.currency)}.`,
      });
      setAmount('');
      setReason('');
      onCredited();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  const error = outcome?.ok === false ? outcome.error : undefined;
  return (
    <form className="filters" onSubmit={submit} aria-label="Write a credit note" noValidate>
      <Field label="Amount before tax (empty: all that is left)" param="amount" error={error}>
        {(p) => <input {...p} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}
      </Field>
      <Field label="Reason for the credit" param="reason" error={error}>
        {(p) => <input {...p} value={reason} size={40} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <button type="submit">Write credit note</button>
      {outcome?.ok && (
        <p className="state ok" role="status">
          {outcome.text}
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} title="Credit note refused" />}
    </form>
  );
}
