// The availability policy: the matrix of jurisdictions and models, a decision explained, and a proposed change's effect.
import { useState, type FormEvent } from 'react';
import { useCan, useSession } from '../session.tsx';
import type { List, Org } from '../types.ts';
import { Async, Badge, Empty, ErrorNote, Section, useApi } from '../ui.tsx';

interface Matrix {
  policy_version: number;
  tier: string;
  data: Array<{
    country: string;
    market: string;
    cells: Array<{
      model: string;
      vendor: string;
      allowed_regions: string[];
      denied: Array<{ region: string; rule: string; reason: string }>;
    }>;
  }>;
}

interface Explanation {
  allowed: boolean;
  policy_version: number;
  jurisdiction: { incorporated: string; controlling_country: string; controlling_market: string };
  decisions: Array<{
    deployment: string;
    region: string;
    region_country: string;
    allowed: boolean;
    rule: string;
    reason: string;
  }>;
}

interface WhatIf {
  data: Array<{
    org: string;
    org_name: string;
    model: string;
    change: string;
    rule: string;
    reason: string;
    controlling_country: string;
  }>;
  held_by_preference: unknown[];
}

interface CatalogueSummary {
  models: Array<{ name: string }>;
}

export function Policy() {
  return (
    <div className="page">
      <h1>Policy</h1>
      <MatrixView />
      <Explain />
      {useCan('compliance') && <WhatIfView />}
    </div>
  );
}

function MatrixView() {
  const [tier, setTier] = useState('verified');
  const matrix = useApi<Matrix>(`/policy/matrix?tier=${tier}`);
  return (
    <Section
      title="Availability by jurisdiction and model"
      actions={
        <label>
          Tier{' '}
          <select value={tier} onChange={(e) => setTier(e.target.value)}>
            <option>trial</option>
            <option>verified</option>
            <option>strategic</option>
          </select>
        </label>
      }
    >
      <Async result={matrix} what="the availability matrix" isEmpty={(m) => m.data.length === 0}>
        {(m) => (
          <div className="table-wrap">
            <table className="matrix">
              <caption className="muted">
                Policy version {m.policy_version}: regions that would serve a {m.tier} customer incorporated in each
                country; a denial names its rule.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Jurisdiction</th>
                  {m.data[0]!.cells.map((c) => (
                    <th scope="col" key={c.model}>
                      {c.model}
                      <div className="muted">{c.vendor}</div>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {m.data.map((row) => (
                  <tr key={row.country}>
                    <th scope="row">
                      {row.country}
                      {row.market !== row.country && <div className="muted">{row.market}</div>}
                    </th>
                    {row.cells.map((c) => (
                      <td key={c.model} title={c.denied.map((d) => `${d.region}: ${d.reason}`).join('\n')}>
                        {c.allowed_regions.length > 0 ? (
                          <span className="badge badge-allowed">{c.allowed_regions.join(', ')}</span>
                        ) : (
                          <span className="badge badge-denied">denied</span>
                        )}
                        {c.allowed_regions.length === 0 && c.denied[0] && (
                          <div className="muted">{c.denied[0].rule}</div>
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Async>
    </Section>
  );
}

function Explain() {
  const { client } = useSession();
  const orgs = useApi<List<Org>>('/orgs');
  const catalogue = useApi<CatalogueSummary>('/catalogue');
  const [org, setOrg] = useState('');
  const [model, setModel] = useState('');
  const [result, setResult] = useState<{ explanation?: Explanation; error?: unknown }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(undefined);
    try {
      const q = new URLSearchParams({ org, model });
      setResult({ explanation: await client.call<Explanation>('GET', `/policy/explain?${q}`) });
    } catch (error) {
      setResult({ error });
    }
  };
  return (
    <Section title="Explain a decision">
      {orgs.error && <ErrorNote error={orgs.error} title="Could not load customers" />}
      <form className="filters" onSubmit={submit} aria-label="Explain a decision">
        <label>
          Customer
          <select value={org} required onChange={(e) => setOrg(e.target.value)}>
            <option value="">Choose…</option>
            {orgs.data?.data.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} ({o.country}, {o.tier})
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select value={model} required onChange={(e) => setModel(e.target.value)}>
            <option value="">Choose…</option>
            {catalogue.data?.models.map((m) => (
              <option key={m.name}>{m.name}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!org || !model}>
          Explain
        </button>
      </form>
      {result?.error !== undefined && <ErrorNote error={result.error} title="No explanation" />}
      {result?.explanation && <ExplanationView e={result.explanation} />}
    </Section>
  );
}

function ExplanationView({ e }: { e: Explanation }) {
  return (
    <div aria-label="Decision" role="region">
      <p>
        <Badge value={e.allowed ? 'allowed' : 'denied'} /> under policy version {e.policy_version}. Incorporated in{' '}
        {e.jurisdiction.incorporated}, controlled from {e.jurisdiction.controlling_country} (
        {e.jurisdiction.controlling_market}).
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Deployment</th>
            <th scope="col">Region</th>
            <th scope="col">Decision</th>
            <th scope="col">Rule and reason</th>
          </tr>
        </thead>
        <tbody>
          {e.decisions.map((d) => (
            <tr key={d.deployment}>
              <td>{d.deployment}</td>
              <td>
                {d.region} ({d.region_country})
              </td>
              <td>
                <Badge value={d.allowed ? 'allowed' : 'denied'} />
              </td>
              <td>
                <code>{d.rule}</code> {d.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WhatIfView() {
  const { client } = useSession();
  const current = useApi<{ version: number; policy: unknown }>('/policy');
  const [text, setText] = useState<string>();
  const [result, setResult] = useState<{ whatIf?: WhatIf; error?: unknown }>();
  const shown = text ?? (current.data ? JSON.stringify(current.data.policy, null, 2) : '');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(undefined);
    let policy: unknown;
    try {
      policy = JSON.parse(shown);
    } catch (err) {
      setResult({ error: new Error(`The proposal is not valid JSON: ${(err as Error).message}`) });
      return;
    }
    try {
      setResult({ whatIf: await client.call<WhatIf>('POST', '/policy/what-if', { policy }) });
    } catch (error) {
      setResult({ error });
    }
  };
  return (
    <Section title="What if: a proposed policy, before it is applied">
      <form onSubmit={submit} aria-label="What if">
        <label htmlFor="what-if-policy">Proposed policy (JSON; nothing is applied)</label>
        <textarea id="what-if-policy" rows={12} value={shown} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={!shown}>
          Show who gains and loses
        </button>
      </form>
      {result?.error !== undefined && <ErrorNote error={result.error} title="The proposal was refused" />}
      {result?.whatIf &&
        (result.whatIf.data.length === 0 ? (
          <Empty>Nobody would gain or lose a model.</Empty>
        ) : (
          <table aria-label="Changes">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Model</th>
                <th scope="col">Change</th>
                <th scope="col">Deciding rule</th>
              </tr>
            </thead>
            <tbody>
              {result.whatIf.data.map((c) => (
                <tr key={`${c.org}-${c.model}`}>
                  <td>
                    {c.org_name} ({c.controlling_country})
                  </td>
                  <td>{c.model}</td>
                  <td>
                    <Badge value={c.change === 'gained' ? 'allowed' : 'denied'} /> {c.change}
                  </td>
                  <td>
                    <code>{c.rule}</code> {c.reason}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </Section>
  );
}
