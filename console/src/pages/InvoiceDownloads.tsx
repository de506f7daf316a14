// A customer's invoice for a month: its totals, and the JSON, CSV and HTML documents to download.
import { useState } from 'react';
import { money, thisMonth } from '../format.ts';
import { useSession } from '../session.tsx';
import { Async, ErrorNote, useApi } from '../ui.tsx';
import { download } from '../ui.tsx';
import { InvoiceActions } from './money/InvoiceActions.tsx';

interface Invoice {
  invoice_number: string;
  status: 'provisional' | 'final' | 'issued';
  draft: boolean;
  currency: string;
  total_micros: string;
  total_due_minor?: string;
  minor_unit_digits: number;
  lines: Array<{ model: string; requests: number; amount_micros: string }>;
  warnings?: string[];
}

export function InvoiceDownloads({ orgId }: { orgId: string }) {
  const { client } = useSession();
  const [month, setMonth] = useState(thisMonth());
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const invoice = useApi<Invoice>(valid ? `/orgs/${orgId}/invoices/${month}` : null);
  const [error, setError] = useState<unknown>();
  const fetchAs = async (format: 'json' | 'csv' | 'html') => {
    setError(undefined);
    try {
      const res = await client.fetchRaw(`/orgs/${orgId}/invoices/${month}?format=${format}`);
      download(await res.blob(), `invoice-${orgId}-${month}.${format}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <div className="filters">
        <label>
          Month
          <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
        {(['json', 'csv', 'html'] as const).map((f) => (
          <button key={f} type="button" className="secondary" disabled={!valid} onClick={() => fetchAs(f)}>
            Download {f.toUpperCase()}
          </button>
        ))}
      </div>
      {!valid ? (
        <p className="state empty">Choose a month.</p>
      ) : (
        <Async result={invoice} what="the invoice">
          {(inv) => (
            <>
              <p>
                <strong>{inv.invoice_number}</strong> · {inv.status}
                {inv.draft ? ' (draft)' : ''} · total {money(inv.total_micros, inv.currency)}
              </p>
              {inv.lines.length === 0 ? (
                <p className="state empty">No usage billed in this month.</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Model</th>
                      <th scope="col" className="num">
                        Requests
                      </th>
                      <th scope="col" className="num">
                        Amount
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {inv.lines.map((l) => (
                      <tr key={l.model}>
                        <td>{l.model}</td>
                        <td className="num">{l.requests}</td>
                        <td className="num">{money(l.amount_micros, inv.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {inv.warnings?.map((w) => (
                <p key={w} className="muted">
                  {w}
                </p>
              ))}
              <InvoiceActions
                key={`${orgId}-${month}`}
                orgId={orgId}
                month={month}
                status={inv.status}
                invoiceNumber={inv.invoice_number}
                onChanged={invoice.reload}
              />
            </>
          )}
        </Async>
      )}
      {error !== undefined && <ErrorNote error={error} title="Download failed" />}
    </>
  );
}
