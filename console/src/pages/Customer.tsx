// One customer: its keys, limits and budget, routing, exclusions and disclosure, usage, invoices, negotiated prices,
// and vetting decisions and due diligence.
import { money, monthStart, thisMonth, when } from '../format.ts';
import { useCan, useSession } from '../session.tsx';
import type { Ledger, Org } from '../types.ts';
import { Async, Badge, ReasonForm, Section, useApi } from '../ui.tsx';
import { InvoiceDownloads } from './InvoiceDownloads.tsx';
import { DueDiligence } from './customer/DueDiligence.tsx';
import { Keys } from './customer/Keys.tsx';
import { LimitsFacts, LimitsForm } from './customer/LimitsForm.tsx';
import { PreferencesCard, Settings } from './customer/Settings.tsx';
import { CustomerPricing } from './money/CustomerPricing.tsx';

export function Customer({ id }: { id: string }) {
  const org = useApi<Org>(`/orgs/${encodeURIComponent(id)}`);
  const isCompliance = useCan('compliance');
  const { client } = useSession();
  return (
    <div className="page">
      <p>
        <a href="#/customers">← All customers</a>
      </p>
      <Async result={org} what="the customer">
        {(o) => (
          <>
            <div className="page-head">
              <h1>{o.name}</h1>
              <Badge value={o.status} />
            </div>
            <Section title="Record">
              <dl className="facts">
                <dt>Id</dt>
                <dd>
                  <code>{o.id}</code>
                </dd>
                <dt>Country</dt>
                <dd>{o.country}</dd>
                <dt>Tier</dt>
                <dd>{o.tier}</dd>
                <dt>Customer since</dt>
                <dd>{when(o.created_at)}</dd>
                <dt>Enforcement</dt>
                <dd>
                  {o.enforcement
                    ? `throttled to ${o.enforcement.requests_per_minute} requests/min by ${o.enforcement.by}: ${o.enforcement.reason}`
                    : 'none'}
                </dd>
              </dl>
              {isCompliance && (o.status === 'approved' || o.status === 'suspended') && (
                <ReasonForm
                  label="Vetting decision"
                  verbs={
                    o.status === 'suspended'
                      ? [{ value: 'reinstate', label: 'Reinstate' }]
                      : [{ value: 'suspend', label: 'Suspend' }]
                  }
                  onSubmit={async (verb, reason) => {
                    const after = await client.call<Org>('POST', `/orgs/${o.id}/${verb}`, { reason });
                    org.reload();
                    return `Done: ${after.name} is now ${after.status.replace('_', ' ')}.`;
                  }}
                />
              )}
              {isCompliance && ['applied', 'screening', 'needs_review'].includes(o.status) && (
                <p>
                  Approve or reject it in the <a href="#/vetting">vetting queue</a>, its screening hits beside its
                  entry.
                </p>
              )}
            </Section>
            <div className="grid2">
              <Keys orgId={o.id} />
              <Section title="Limits and budget">
                <LimitsFacts limits={o.limits ?? {}} fallback={`tier default (${o.tier})`} />
                <LimitsForm
                  path={`/orgs/${o.id}/limits`}
                  label="Change limits"
                  current={o.limits ?? {}}
                  keep={o.limits?.models ? { models: o.limits.models } : {}}
                  onSaved={org.reload}
                />
              </Section>
            </div>
            <div className="grid2">
              <Usage orgId={o.id} />
              <Settings orgId={o.id} />
            </div>
            <div className="grid2">
              <PreferencesCard orgId={o.id} />
              <DueDiligence org={o} onChanged={org.reload} />
            </div>
            <Section title="Invoices">
              <InvoiceDownloads orgId={o.id} />
            </Section>
            <CustomerPricing org={o} onSaved={org.reload} />
          </>
        )}
      </Async>
    </div>
  );
}

function Usage({ orgId }: { orgId: string }) {
  const byModel = useApi<Ledger>(
    `/ledger?group_by=model&org_id=${encodeURIComponent(orgId)}&from=${encodeURIComponent(monthStart())}`,
  );
  return (
    <Section title={`Usage in ${thisMonth()}`}>
      <Async result={byModel} what="usage" isEmpty={(l) => l.data.length === 0} empty="No usage this month.">
        {(l) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Requests
                </th>
                <th scope="col" className="num">
                  Tokens in / out
                </th>
                <th scope="col" className="num">
                  Charged
                </th>
              </tr>
            </thead>
            <tbody>
              {l.data.map((r) => (
                <tr key={r.model}>
                  <td>{r.model}</td>
                  <td className="num">{r.requests}</td>
                  <td className="num">
                    {r.prompt_tokens} / {r.completion_tokens}
                  </td>
                  <td className="num">{money(r.price_micros, l.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
    </Section>
  );
}
