// Money: the price book and its versions, invoices per customer and month, the margin report, reconciliation.
import { useState } from 'react';
import { money, pct, thisMonth } from '../format.ts';
import { useCan } from '../session.tsx';
import type { List, Org } from '../types.ts';
import { Async, Empty, Section, useApi } from '../ui.tsx';
import { InvoiceDownloads } from './InvoiceDownloads.tsx';
import { PriceBookView } from './money/PriceBook.tsx';
import { Reconcile } from './money/Reconcile.tsx';

interface MarginRow {
  key: string;
  requests: number;
  revenue_micros: string;
  cost_micros: string;
  margin_micros: string;
  margin_pct: number | null;
  revenue_growth_pct: number | null;
}
interface MarginReport {
  currency: string;
  rows: MarginRow[];
  total: Omit<MarginRow, 'key' | 'requests'>;
}

export function Money() {
  return (
    <div className="page">
      <h1>Money</h1>
      <Margin />
      <Invoices />
      <PriceBookView />
      {useCan('finance') && <Reconcile />}
    </div>
  );
}

function Invoices() {
  const orgs = useApi<List<Org>>('/orgs');
  const [org, setOrg] = useState('');
  return (
    <Section title="Invoices">
      <Async result={orgs} what="customers" isEmpty={(l) => l.data.length === 0} empty="No customers to invoice.">
        {(l) => (
          <>
            <div className="filters">
              <label>
                Customer
                <select value={org} onChange={(e) => setOrg(e.target.value)}>
                  <option value="">Choose…</option>
                  {l.data.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            {org ? <InvoiceDownloads key={org} orgId={org} /> : <Empty>Choose a customer to see its invoices.</Empty>}
          </>
        )}
      </Async>
    </Section>
  );
}

function Margin() {
  const [month, setMonth] = useState(thisMonth());
  const [by, setBy] = useState('territory');
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const report = useApi<MarginReport>(valid ? `/reports/margin?month=${month}&by=${by}` : null);
  return (
    <Section
      title="Margin report"
      actions={
        <div className="filters">
          <label>
            Month
            <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
          </label>
          <label>
            By
            <select value={by} onChange={(e) => setBy(e.target.value)}>
              <option value="territory">territory</option>
              <option value="vendor">vendor</option>
              <option value="model">model</option>
              <option value="customer">customer</option>
              <option value="region">region</option>
              <option value="market">market</option>
            </select>
          </label>
        </div>
      }
    >
      <Async
        result={report}
        what="the margin report"
        isEmpty={(r) => r.rows.length === 0}
        empty="No usage in that month."
      >
        {(r) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{by}</th>
                  <th scope="col" className="num">
                    Requests
                  </th>
                  <th scope="col" className="num">
                    Revenue
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                  <th scope="col" className="num">
                    Margin
                  </th>
                  <th scope="col" className="num">
                    Growth
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.rows.map((row) => (
                  <tr key={row.key}>
                    <td>{row.key}</td>
                    <td className="num">{row.requests}</td>
                    <td className="num">{money(row.revenue_micros, r.currency)}</td>
                    <td className="num">{money(row.cost_micros, r.currency)}</td>
                    <td className="num">
                      {money(row.margin_micros, r.currency)} ({pct(row.margin_pct)})
                    </td>
                    <td className="num">{row.revenue_growth_pct === null ? 'new' : pct(row.revenue_growth_pct)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td />
                  <td className="num">{money(r.total.revenue_micros, r.currency)}</td>
                  <td className="num">{money(r.total.cost_micros, r.currency)}</td>
                  <td className="num">
                    {money(r.total.margin_micros, r.currency)} ({pct(r.total.margin_pct)})
                  </td>
                  <td className="num">{r.total.revenue_growth_pct === null ? '—' : pct(r.total.revenue_growth_pct)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        )}
      </Async>
    </Section>
  );
}
