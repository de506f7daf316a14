// Reconciliation: a vendor's usage export (a CSV file, or pasted) compared with the ledger's cost, day by deployment.
import { useState, type FormEvent } from 'react';
import { money } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { ErrorNote, Section, useApi } from '../../ui.tsx';

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

export function Reconcile() {
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
        <div className="filters">
          <label>
            Vendor usage export file (CSV)
            <input
              type="file"
              accept=".csv,text/csv"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file) setCsv(await file.text());
              }}
            />
          </label>
        </div>
        <label htmlFor="vendor-csv">Or paste it (CSV: date, deployment, input_tokens, output_tokens, cost)</label>
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
