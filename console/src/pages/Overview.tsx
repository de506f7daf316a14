// Revenue, cost and margin over time, by territory, vendor and customer, against the previous period; live traffic.
import { useEffect, useState } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { growth, money, pct, units } from '../format.ts';
import type { Ledger, LedgerRow, List, Org } from '../types.ts';
import { Async, Empty, ErrorNote, Section, useApi } from '../ui.tsx';

interface Live {
  window_seconds: number;
  requests_per_second: number;
  requests: number;
  error_rate: number;
  errors: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  series: Array<{ at: string; requests: number; errors: number }>;
}

const DAY = 24 * 3600 * 1000;

function period(days: number) {
  const end = new Date(Math.ceil(Date.now() / DAY) * DAY);
  const from = new Date(end.getTime() - days * DAY);
  const previous = new Date(from.getTime() - days * DAY);
  return { from: from.toISOString(), to: end.toISOString(), previous: previous.toISOString() };
}

const sum = (rows: LedgerRow[], field: 'price_micros' | 'cost_micros' | 'margin_micros') =>
  rows.reduce((s, r) => s + units(r[field]), 0);

const tooltipMoney = (currency: string) => (value: unknown) => money(Number(value) * 1e6, currency);

export function Overview() {
  const [days, setDays] = useState(30);
  const p = period(days);
  const range = `from=${encodeURIComponent(p.from)}&to=${encodeURIComponent(p.to)}`;
  const daily = useApi<Ledger>(`/ledger?group_by=day&${range}`);
  const previous = useApi<Ledger>(`/ledger?from=${encodeURIComponent(p.previous)}&to=${encodeURIComponent(p.from)}`);
  const territory = useApi<Ledger>(`/ledger?group_by=customer_country&${range}`);
  const vendor = useApi<Ledger>(`/ledger?group_by=vendor&${range}`);
  const customers = useApi<Ledger>(`/ledger?group_by=org_id&${range}`);
  const orgs = useApi<List<Org>>('/orgs');

  useEffect(() => {
    if (daily.data) performance.mark('conduit:overview-rendered');
  }, [daily.data]);

  return (
    <div className="page">
      <div className="page-head">
        <h1>Overview</h1>
        <label>
          Period{' '}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={7}>Last 7 days</option>
            <option value={30}>Last 30 days</option>
            <option value={90}>Last 90 days</option>
          </select>
        </label>
      </div>
      <Async result={daily} what="revenue">
        {(ledger) => (
          <>
            <Totals ledger={ledger} previous={previous.data} />
            <Section title="Revenue, cost and margin per day">
              {ledger.data.length === 0 ? (
                <Empty>No usage in this period yet.</Empty>
              ) : (
                <div className="chart" role="img" aria-label="Revenue, cost and margin per day">
                  <ResponsiveContainer width="100%" height={260}>
                    <AreaChart data={dailySeries(ledger.data, days)}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="day" />
                      <YAxis tickFormatter={(v: number) => money(v * 1e6, ledger.currency)} width={80} />
                      <Tooltip formatter={tooltipMoney(ledger.currency)} />
                      <Legend />
                      <Area
                        type="monotone"
                        dataKey="revenue"
                        name="Revenue"
                        stroke="#2563eb"
                        fill="#bfdbfe"
                        isAnimationActive={false}
                      />
                      <Area
                        type="monotone"
                        dataKey="cost"
                        name="Cost"
                        stroke="#dc2626"
                        fill="#fecaca"
                        isAnimationActive={false}
                      />
                      <Area
                        type="monotone"
                        dataKey="margin"
                        name="Margin"
                        stroke="#16a34a"
                        fill="#bbf7d0"
                        isAnimationActive={false}
                      />
                    </AreaChart>
                  </ResponsiveContainer>
                </div>
              )}
            </Section>
          </>
        )}
      </Async>
      <div className="grid2">
        <Section title="Revenue by territory">
          <Async result={territory} what="revenue by territory" isEmpty={(l) => l.data.length === 0}>
            {(l) => <RankedBars rows={l.data} label={(r) => r.customer_country ?? '?'} currency={l.currency} />}
          </Async>
        </Section>
        <Section title="Revenue by vendor">
          <Async result={vendor} what="revenue by vendor" isEmpty={(l) => l.data.length === 0}>
            {(l) => <RankedBars rows={l.data} label={(r) => r.vendor ?? '?'} currency={l.currency} />}
          </Async>
        </Section>
      </div>
      <div className="grid2">
        <Section title="Top customers">
          <Async result={customers} what="customers" isEmpty={(l) => l.data.length === 0}>
            {(l) => <TopCustomers ledger={l} orgs={orgs.data?.data ?? []} />}
          </Async>
        </Section>
        <LiveTraffic />
      </div>
    </div>
  );
}

function dailySeries(rows: LedgerRow[], days: number) {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out = [];
  const today = Math.floor(Date.now() / DAY) * DAY;
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(today - i * DAY).toISOString().slice(0, 10);
    const r = byDay.get(day);
    out.push({
      day: day.slice(5),
      revenue: r ? units(r.price_micros) : 0,
      cost: r ? units(r.cost_micros) : 0,
      margin: r ? units(r.margin_micros) : 0,
    });
  }
  return out;
}

function Totals({ ledger, previous }: { ledger: Ledger; previous?: Ledger }) {
  const revenue = sum(ledger.data, 'price_micros');
  const cost = sum(ledger.data, 'cost_micros');
  const margin = sum(ledger.data, 'margin_micros');
  const requests = ledger.data.reduce((s, r) => s + r.requests, 0);
  const prev = previous?.data ?? [];
  const c = ledger.currency;
  const kpis = [
    { label: 'Revenue', value: money(revenue * 1e6, c), note: previous && growth(revenue, sum(prev, 'price_micros')) },
    { label: 'Vendor cost', value: money(cost * 1e6, c), note: previous && growth(cost, sum(prev, 'cost_micros')) },
    {
      label: 'Margin',
      value: money(margin * 1e6, c),
      note: `${pct(revenue === 0 ? null : (margin / revenue) * 100)} of revenue`,
    },
    {
      label: 'Requests',
      value: requests.toLocaleString('en'),
      note:
        previous &&
        growth(
          requests,
          prev.reduce((s, r) => s + r.requests, 0),
        ),
    },
  ];
  return (
    <ul className="kpis" aria-label="Totals for the period">
      {kpis.map((k) => (
        <li key={k.label} className="kpi">
          <span className="kpi-label">{k.label}</span>
          <span className="kpi-value">{k.value}</span>
          {k.note && <span className="kpi-note">{k.note}</span>}
        </li>
      ))}
    </ul>
  );
}

function RankedBars({ rows, label, currency }: { rows: LedgerRow[]; label(r: LedgerRow): string; currency: string }) {
  const data = rows
    .map((r) => ({ name: label(r), revenue: units(r.price_micros), margin: units(r.margin_micros) }))
    .sort((a, b) => b.revenue - a.revenue)
    .slice(0, 12);
  return (
    <div className="chart" role="img" aria-label={`Ranked: ${data.map((d) => d.name).join(', ')}`}>
      <ResponsiveContainer width="100%" height={Math.max(140, data.length * 34 + 40)}>
        <BarChart data={data} layout="vertical" margin={{ left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" tickFormatter={(v: number) => money(v * 1e6, currency)} />
          <YAxis type="category" dataKey="name" width={90} />
          <Tooltip formatter={tooltipMoney(currency)} />
          <Legend />
          <Bar dataKey="revenue" name="Revenue" fill="#2563eb" isAnimationActive={false} />
          <Bar dataKey="margin" name="Margin" fill="#16a34a" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function TopCustomers({ ledger, orgs }: { ledger: Ledger; orgs: Org[] }) {
  const names = new Map(orgs.map((o) => [o.id, o.name]));
  const rows = [...ledger.data].sort((a, b) => units(b.price_micros) - units(a.price_micros)).slice(0, 10);
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Customer</th>
          <th scope="col" className="num">
            Requests
          </th>
          <th scope="col" className="num">
            Revenue
          </th>
          <th scope="col" className="num">
            Margin
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.org_id}>
            <td>
              <a href={`#/customers/${r.org_id}`}>{names.get(r.org_id ?? '') ?? r.org_id}</a>
            </td>
            <td className="num">{r.requests}</td>
            <td className="num">{money(r.price_micros, ledger.currency)}</td>
            <td className="num">{money(r.margin_micros, ledger.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LiveTraffic() {
  const live = useApi<Live>('/traffic/live?window_seconds=300&steps=30');
  const { reload } = live;
  useEffect(() => {
    const timer = setInterval(reload, 5_000);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <Section title="Live traffic (this gateway, last 5 minutes)">
      {live.error ? (
        <ErrorNote error={live.error} title="Could not load live traffic" />
      ) : !live.data ? (
        <p className="state loading">Loading live traffic…</p>
      ) : (
        <>
          <ul className="kpis small" aria-label="Live traffic">
            <li className="kpi">
              <span className="kpi-label">Request rate</span>
              <span className="kpi-value">{live.data.requests_per_second.toFixed(2)}/s</span>
            </li>
            <li className="kpi">
              <span className="kpi-label">Error rate</span>
              <span className="kpi-value">{pct(live.data.error_rate * 100)}</span>
            </li>
            <li className="kpi">
              <span className="kpi-label">Latency p50 / p95</span>
              <span className="kpi-value">
                {live.data.latency_p50_ms === null
                  ? '—'
                  : `≤${live.data.latency_p50_ms} / ≤${live.data.latency_p95_ms} ms`}
              </span>
            </li>
          </ul>
          <div className="chart" role="img" aria-label="Requests and errors over the last 5 minutes">
            <ResponsiveContainer width="100%" height={140}>
              <LineChart data={live.data.series.map((s) => ({ ...s, at: s.at.slice(11, 19) }))}>
                <XAxis dataKey="at" minTickGap={40} />
                <YAxis allowDecimals={false} width={40} />
                <Tooltip />
                <Line
                  type="monotone"
                  dataKey="requests"
                  name="Requests"
                  stroke="#2563eb"
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="errors"
                  name="Errors"
                  stroke="#dc2626"
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </>
      )}
    </Section>
  );
}
