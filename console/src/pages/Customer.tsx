// One customer: its keys, limits and budget, routing and disclosure, usage, invoices, and vetting decisions.
import { useState, type FormEvent } from 'react';
import { money, monthStart, thisMonth, when } from '../format.ts';
import { useCan, useSession } from '../session.tsx';
import type { Ledger, List, Org } from '../types.ts';
import { Async, Badge, Empty, ErrorNote, ReasonForm, Section, useApi } from '../ui.tsx';
import { InvoiceDownloads } from './InvoiceDownloads.tsx';

interface Key {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

interface Disclosure {
  source: string;
  notice: string | null;
  position: string;
  c2pa_text: boolean;
}

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
              {isCompliance && (
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
            </Section>
            <div className="grid2">
              <Keys orgId={o.id} />
              <LimitsCard org={o} onSaved={org.reload} />
            </div>
            <div className="grid2">
              <Usage orgId={o.id} />
              <Settings orgId={o.id} />
            </div>
            <Section title="Invoices">
              <InvoiceDownloads orgId={o.id} />
            </Section>
          </>
        )}
      </Async>
    </div>
  );
}

function Keys({ orgId }: { orgId: string }) {
  const { client } = useSession();
  const keys = useApi<List<Key>>(`/orgs/${orgId}/keys`);
  const canManage = useCan('operator');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<unknown>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const made = await client.call<{ key: string }>('POST', `/orgs/${orgId}/keys`, { name: name || undefined });
      setSecret(made.key);
      setName('');
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (key: Key) => {
    if (!window.confirm(`Revoke key ${key.name} (${key.prefix}…)? It stops working at once.`)) return;
    setError(undefined);
    try {
      await client.call('DELETE', `/orgs/${orgId}/keys/${key.id}`);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title="API keys">
      <Async result={keys} what="keys" isEmpty={(l) => l.data.length === 0} empty="No API keys.">
        {(l) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {l.data.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{when(k.created_at)}</td>
                  <td>
                    {k.revoked_at ? (
                      `revoked ${when(k.revoked_at)}`
                    ) : canManage ? (
                      <button type="button" className="secondary" onClick={() => revoke(k)}>
                        Revoke {k.name}
                      </button>
                    ) : (
                      'active'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
      {canManage && (
        <form className="filters" onSubmit={create} aria-label="Create a key">
          <label>
            New key name
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit">Create key</button>
        </form>
      )}
      {secret && (
        <p className="state ok" role="status">
          New key (shown once, copy it now): <code className="secret">{secret}</code>
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} title="The gateway refused" />}
    </Section>
  );
}

function LimitsCard({ org, onSaved }: { org: Org; onSaved(): void }) {
  const { client } = useSession();
  const canEdit = useCan('operator');
  const l = org.limits ?? {};
  const [rpm, setRpm] = useState(l.requests_per_minute?.toString() ?? '');
  const [tpm, setTpm] = useState(l.tokens_per_minute?.toString() ?? '');
  const [concurrent, setConcurrent] = useState(l.concurrent?.toString() ?? '');
  const [budget, setBudget] = useState(l.budget ? (l.budget.monthly_micros / 1e6).toString() : '');
  const [hard, setHard] = useState(l.budget?.hard ?? true);
  const [outcome, setOutcome] = useState<{ ok: boolean; error?: unknown }>();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const whole = (v: string) => (v.trim() === '' ? undefined : Number(v));
    try {
      await client.call('PUT', `/orgs/${org.id}/limits`, {
        requests_per_minute: whole(rpm),
        tokens_per_minute: whole(tpm),
        concurrent: whole(concurrent),
        // Sent as the decimal text typed: the gateway parses currency amounts exactly.
        budget: budget.trim() === '' ? undefined : { monthly: budget.trim(), hard },
      });
      setOutcome({ ok: true });
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  return (
    <Section title="Limits and budget">
      <dl className="facts">
        <dt>Requests per minute</dt>
        <dd>{l.requests_per_minute ?? `tier default (${org.tier})`}</dd>
        <dt>Tokens per minute</dt>
        <dd>{l.tokens_per_minute ?? `tier default (${org.tier})`}</dd>
        <dt>Concurrent</dt>
        <dd>{l.concurrent ?? `tier default (${org.tier})`}</dd>
        <dt>Monthly budget</dt>
        <dd>{l.budget ? `${money(l.budget.monthly_micros)} (${l.budget.hard ? 'hard' : 'soft'})` : 'none'}</dd>
      </dl>
      {canEdit && (
        <form className="filters" onSubmit={save} aria-label="Change limits">
          <label>
            Requests/min
            <input inputMode="numeric" value={rpm} onChange={(e) => setRpm(e.target.value)} />
          </label>
          <label>
            Tokens/min
            <input inputMode="numeric" value={tpm} onChange={(e) => setTpm(e.target.value)} />
          </label>
          <label>
            Concurrent
            <input inputMode="numeric" value={concurrent} onChange={(e) => setConcurrent(e.target.value)} />
          </label>
          <label>
            Monthly budget
            <input inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} />
          </label>
          <label>
            <span>Hard budget</span>
            <input type="checkbox" checked={hard} onChange={(e) => setHard(e.target.checked)} />
          </label>
          <button type="submit">Save limits</button>
        </form>
      )}
      {outcome?.ok && (
        <p className="state ok" role="status">
          Limits saved.
        </p>
      )}
      {outcome && !outcome.ok && <ErrorNote error={outcome.error} title="Limits not saved" />}
    </Section>
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

function Settings({ orgId }: { orgId: string }) {
  const routing = useApi<{ allowed_regions?: string[] } & Record<string, unknown>>(`/orgs/${orgId}/routing`);
  const disclosure = useApi<Disclosure>(`/orgs/${orgId}/disclosure`);
  const canRoute = useCan('operator');
  const canDisclose = useCan('compliance');
  return (
    <Section title="Routing and disclosure">
      <h3>Routing</h3>
      <Async result={routing} what="routing settings">
        {(r) => (
          <>
            {Object.keys(r).length === 0 ? (
              <Empty>No routing restrictions: any region the policy allows.</Empty>
            ) : (
              <dl className="facts">
                {Object.entries(r).map(([k, v]) => (
                  <div key={k} style={{ display: 'contents' }}>
                    <dt>{k.replace(/_/g, ' ')}</dt>
                    <dd>{Array.isArray(v) ? v.join(', ') : String(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
            {canRoute && <RegionsForm orgId={orgId} current={r} onSaved={routing.reload} />}
          </>
        )}
      </Async>
      <h3>Disclosure</h3>
      <Async result={disclosure} what="disclosure">
        {(d) => (
          <>
            <dl className="facts">
              <dt>Applies from</dt>
              <dd>{d.source}</dd>
              <dt>Visible notice</dt>
              <dd>{d.notice ? `“${d.notice}” (${d.position})` : 'none'}</dd>
              <dt>In-band C2PA mark</dt>
              <dd>{d.c2pa_text ? 'yes' : 'no'}</dd>
            </dl>
            {canDisclose && <DisclosureForm orgId={orgId} current={d} onSaved={disclosure.reload} />}
          </>
        )}
      </Async>
    </Section>
  );
}

function RegionsForm({
  orgId,
  current,
  onSaved,
}: {
  orgId: string;
  current: Record<string, unknown>;
  onSaved(): void;
}) {
  const { client } = useSession();
  const catalogue = useApi<{ regions: Array<{ id: string; name: string; country: string }> }>('/catalogue');
  const [allowed, setAllowed] = useState<string[]>((current.allowed_regions as string[] | undefined) ?? []);
  const [outcome, setOutcome] = useState<{ ok: boolean; error?: unknown }>();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      // The other settings stay as they are; no region ticked means any region.
      const { allowed_regions: _old, ...rest } = current;
      await client.call('PUT', `/orgs/${orgId}/routing`, allowed.length ? { ...rest, allowed_regions: allowed } : rest);
      setOutcome({ ok: true });
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  return (
    <form onSubmit={save} aria-label="Allowed regions">
      <fieldset>
        <legend>Allowed regions (none ticked: any)</legend>
        {catalogue.data?.regions.map((r) => (
          <label key={r.id} className="check">
            <input
              type="checkbox"
              checked={allowed.includes(r.id)}
              onChange={(e) => setAllowed(e.target.checked ? [...allowed, r.id] : allowed.filter((a) => a !== r.id))}
            />{' '}
            {r.name} ({r.country})
          </label>
        ))}
      </fieldset>
      <button type="submit">Save regions</button>
      {outcome?.ok && (
        <p className="state ok" role="status">
          Routing saved.
        </p>
      )}
      {outcome && !outcome.ok && <ErrorNote error={outcome.error} title="Routing not saved" />}
    </form>
  );
}

function DisclosureForm({ orgId, current, onSaved }: { orgId: string; current: Disclosure; onSaved(): void }) {
  const { client } = useSession();
  const [notice, setNotice] = useState(current.source === 'organisation' ? (current.notice ?? '') : '');
  const [position, setPosition] = useState(current.position);
  const [mark, setMark] = useState(current.c2pa_text);
  const [outcome, setOutcome] = useState<{ ok: boolean; error?: unknown }>();
  const act = async (run: () => Promise<unknown>) => {
    try {
      await run();
      setOutcome({ ok: true });
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  return (
    <form
      className="filters"
      aria-label="Disclosure"
      onSubmit={(e) => {
        e.preventDefault();
        void act(() =>
          client.call('PUT', `/orgs/${orgId}/disclosure`, {
            ...(notice.trim() ? { notice: notice.trim() } : {}),
            position,
            c2pa_text: mark,
          }),
        );
      }}
    >
      <label>
        Notice
        <input value={notice} onChange={(e) => setNotice(e.target.value)} />
      </label>
      <label>
        Position
        <select value={position} onChange={(e) => setPosition(e.target.value)}>
          <option value="append">append</option>
          <option value="prepend">prepend</option>
        </select>
      </label>
      <label>
        <span>C2PA mark</span>
        <input type="checkbox" checked={mark} onChange={(e) => setMark(e.target.checked)} />
      </label>
      <button type="submit">Set for this customer</button>
      <button
        type="button"
        className="secondary"
        onClick={() => void act(() => client.call('DELETE', `/orgs/${orgId}/disclosure`))}
      >
        Back to the default
      </button>
      {outcome?.ok && (
        <p className="state ok" role="status">
          Disclosure saved.
        </p>
      )}
      {outcome && !outcome.ok && <ErrorNote error={outcome.error} title="Disclosure not saved" />}
    </form>
  );
}
