// Customers: status, tier, country and spend this month, with search and filters.
import { useMemo, useState } from 'react';
import { money, monthStart } from '../format.ts';
import type { Ledger, List, Org } from '../types.ts';
import { useCan } from '../session.tsx';
import { Async, Badge, Empty, Section, useApi } from '../ui.tsx';
import { NewCustomer } from './NewCustomer.tsx';

const STATUSES = ['approved', 'needs_review', 'suspended', 'rejected', 'applied', 'screening'];
const TIERS = ['trial', 'verified', 'strategic'];

export function Customers() {
  const orgs = useApi<List<Org>>('/orgs');
  const spend = useApi<Ledger>(`/ledger?group_by=org_id&from=${encodeURIComponent(monthStart())}`);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('');
  const [tier, setTier] = useState('');
  const [country, setCountry] = useState('');
  const canCreate = useCan('operator');
  const spent = useMemo(() => new Map((spend.data?.data ?? []).map((r) => [r.org_id, r.price_micros])), [spend.data]);

  return (
    <div className="page">
      <h1>Customers</h1>
      <Section title="All customers">
        <Async result={orgs} what="customers" isEmpty={(l) => l.data.length === 0} empty="No customers yet.">
          {(list) => {
            const countries = [...new Set(list.data.map((o) => o.country))].sort();
            const q = query.trim().toLowerCase();
            const shown = list.data.filter(
              (o) =>
                (!q || o.name.toLowerCase().includes(q) || o.id.toLowerCase().includes(q)) &&
                (!status || o.status === status) &&
                (!tier || o.tier === tier) &&
                (!country || o.country === country),
            );
            return (
              <>
                <div className="filters" role="search">
                  <label>
                    Search
                    <input
                      type="search"
                      value={query}
                      placeholder="Name or id"
                      onChange={(e) => setQuery(e.target.value)}
                    />
                  </label>
                  <label>
                    Status
                    <select value={status} onChange={(e) => setStatus(e.target.value)}>
                      <option value="">Any</option>
                      {STATUSES.map((s) => (
                        <option key={s} value={s}>
                          {s.replace('_', ' ')}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    Tier
                    <select value={tier} onChange={(e) => setTier(e.target.value)}>
                      <option value="">Any</option>
                      {TIERS.map((t) => (
                        <option key={t}>{t}</option>
                      ))}
                    </select>
                  </label>
                  <label>
                    Country
                    <select value={country} onChange={(e) => setCountry(e.target.value)}>
                      <option value="">Any</option>
                      {countries.map((c) => (
                        <option key={c}>{c}</option>
                      ))}
                    </select>
                  </label>
                </div>
                {shown.length === 0 ? (
                  <Empty>No customer matches these filters.</Empty>
                ) : (
                  <div className="table-wrap">
                    <table>
                      <caption className="muted">
                        {shown.length} of {list.data.length} customers
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Name</th>
                          <th scope="col">Status</th>
                          <th scope="col">Tier</th>
                          <th scope="col">Country</th>
                          <th scope="col" className="num">
                            Spend this month
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {shown.map((o) => (
                          <tr key={o.id}>
                            <td>
                              <a href={`#/customers/${o.id}`}>{o.name}</a>
                              <div className="muted">{o.id}</div>
                            </td>
                            <td>
                              <Badge value={o.status} />
                              {o.enforcement && <Badge value="throttle" />}
                            </td>
                            <td>{o.tier}</td>
                            <td>{o.country}</td>
                            <td className="num">
                              {spend.error ? '—' : money(spent.get(o.id) ?? '0', spend.data?.currency)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </>
            );
          }}
        </Async>
      </Section>
      {canCreate && <NewCustomer onCreated={orgs.reload} />}
    </div>
  );
}
