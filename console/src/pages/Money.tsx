// Money: the price book and its versions, invoices per customer and month, the margin report, reconciliation.
import { useState, type FormEvent } from 'react';
import { money, pct, thisMonth } from '../format.ts';
import { useCan, useSession } from '../session.tsx';
import type { List, Org } from '../types.ts';
import { Async, Empty, ErrorNote, Section, useApi } from '../ui.tsx';
import { InvoiceDownloads } from './InvoiceDownloads.tsx';

type Rates = { input?: string; cached_input?: string; output?: string; reasoning?: string };
interface PriceBook {
  version: number;
  book: {
    currency: string;
    versions: Array<{
      effective_from: string;
      effective_to?: string;
      list_prices: Array<Rates & { model: string; tier?: string }>;
      vendor_costs: Array<Rates & { deployment: string; model?: string }>;
    }>;
  };
  unpriced?: Array<{ message: string }>;
}

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

interface Reconciliation {
  vendor: string;
  checked: number;
  differences: Array<{
    date: string;
    deployment: string;
    ledger: { cost_micros: string; input_tokens: number; output_tokens: number };
    vendor: { cost_micros: string; input_tokens: number; output_tokens: number };
    cost_difference_micros: string;
    only_in: string | null;
  }>;
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

const perMillion = (micros: string | undefined, currency: string) =>
  micros === undefined ? '—' : money(micros, currency);

function PriceBookView() {
  const pricing = useApi<PriceBook>('/pricing');
  return (
    <Section title="Price book">
      <Async result={pricing} what="the price book">
        {(p) => (
          <>
            <p className="muted">
              Book version {p.version}, {p.book.currency}, per million tokens.
            </p>
            {p.unpriced?.map((u) => (
              <p key={u.message} className="state error">
                {u.message}
              </p>
            ))}
            {p.book.versions.map((v) => (
              <details key={v.effective_from} open={v === p.book.versions.at(-1)}>
                <summary>
                  From {v.effective_from}
                  {v.effective_to ? ` to ${v.effective_to}` : ''}: {v.list_prices.length} list prices,{' '}
                  {v.vendor_costs.length} vendor costs
                </summary>
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Model</th>
                        <th scope="col">Tier</th>
                        <th scope="col" className="num">
                          Input
                        </th>
                        <th scope="col" className="num">
                          Cached input
                        </th>
                        <th scope="col" className="num">
                          Output
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {v.list_prices.map((l) => (
                        <tr key={`${l.model}-${l.tier ?? 'all'}`}>
                          <td>{l.model}</td>
                          <td>{l.tier ?? 'all'}</td>
                          <td className="num">{perMillion(l.input, p.book.currency)}</td>
                          <td className="num">{perMillion(l.cached_input, p.book.currency)}</td>
                          <td className="num">{perMillion(l.output, p.book.currency)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <table aria-label={`Vendor costs from ${v.effective_from}`}>
                    <thead>
                      <tr>
                        <th scope="col">Deployment</th>
                        <th scope="col">Model</th>
                        <th scope="col" className="num">
                          Input cost
                        </th>
                        <th scope="col" className="num">
                          Cached input cost
                        </th>
                        <th scope="col" className="num">
                          Output cost
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {v.vendor_costs.map((c) => (
                        <tr key={`${c.deployment}-${c.model ?? 'all'}`}>
                          <td>{c.deployment}</td>
                          <td>{c.model ?? 'all'}</td>
                          <td className="num">{perMillion(c.input, p.book.currency)}</td>
                          <td className="num">{perMillion(c.cached_input, p.book.currency)}</td>
                          <td className="num">{perMillion(c.output, p.book.currency)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            ))}
          </>
        )}
      </Async>
    </Section>
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

function Reconcile() {
  const { client } = useSession();
  const catalogue = useApi<{ vendors: Array<{ id: string; name: string }> }>('/catalogue');
  const [vendor, setVendor] = useState('');
  const [csv, setCsv] = useState('date,deployment,input_tokens,output_tokens,cost\n');
  const [result, setResult] = useState<{ data?: Reconciliation; error?: unknown }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(undefined);
    try {
      setResult({ data: await client.call<Reconciliation>('POST', '/reconcile', { vendor, csv }) });
    } catch (error) {
      setResult({ error });
    }
  };
  return (
    <Section title="Reconcile a vendor export">
      <form onSubmit={submit} aria-label="Reconcile">
        <div className="filters">
          <label>
            Vendor
            <select value={vendor} required onChange={(e) => setVendor(e.target.value)}>
              <option value="">Choose…</option>
              {catalogue.data?.vendors.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label htmlFor="vendor-csv">
          Vendor usage export (CSV: date, deployment, input_tokens, output_tokens, cost)
        </label>
        <textarea id="vendor-csv" rows={6} value={csv} onChange={(e) => setCsv(e.target.value)} />
        <button type="submit" disabled={!vendor}>
          Compare with the ledger
        </button>
      </form>
      {result?.error !== undefined && <ErrorNote error={result.error} title="Reconciliation refused" />}
      {result?.data &&
        (result.data.differences.length === 0 ? (
          <p className="state ok" role="status">
            {result.data.checked} vendor line(s) checked: the ledger agrees.
          </p>
        ) : (
          <table aria-label="Differences">
            <caption className="muted">{result.data.checked} vendor line(s) checked</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Deployment</th>
                <th scope="col" className="num">
                  Ledger cost
                </th>
                <th scope="col" className="num">
                  Vendor cost
                </th>
                <th scope="col" className="num">
                  Difference
                </th>
              </tr>
            </thead>
            <tbody>
              {result.data.differences.map((d) => (
                <tr key={`${d.date}-${d.deployment}`}>
                  <td>{d.date}</td>
                  <td>
                    {d.deployment}
                    {d.only_in && <div className="muted">only in the {d.only_in}</div>}
                  </td>
                  <td className="num">{money(d.ledger.cost_micros)}</td>
                  <td className="num">{money(d.vendor.cost_micros)}</td>
                  <td className="num">{money(d.cost_difference_micros)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </Section>
  );
}
