// Catalogue and routing: models, their deployments and regions, health and circuit state, canary and shadow arms.
import type { ReactNode } from 'react';
import { Async, Badge, Section, useApi } from '../ui.tsx';

interface Catalogue {
  regions: Array<{ id: string; name: string; country: string }>;
  models: Array<{
    name: string;
    vendor: string;
    kind: string;
    aliases: string[];
    description: string | null;
    routing: { strategy?: string; fallback?: string[]; canary?: unknown; shadow?: unknown } | null;
    deployments: Array<{
      id: string;
      region: string;
      region_country: string;
      type: string;
      priority: number;
      weight: number;
    }>;
  }>;
}

type Health = Record<
  string,
  { state: string; latency_ms: number | null; successes: number; failures: number; retry_after_until: string | null }
>;

type Experiment = Record<string, unknown> & { model?: string; kind?: string };

export function Catalogue() {
  const catalogue = useApi<Catalogue>('/catalogue');
  const health = useApi<Health>('/routing/health');
  const experiments = useApi<{ data: Experiment[] }>('/routing/experiments');
  return (
    <div className="page">
      <h1>Catalogue and routing</h1>
      <Section title="Models and deployments">
        <Async result={catalogue} what="the catalogue" isEmpty={(c) => c.models.length === 0}>
          {(c) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Vendor</th>
                    <th scope="col">Deployments (region, circuit, latency)</th>
                    <th scope="col">Routing</th>
                  </tr>
                </thead>
                <tbody>
                  {c.models.map((m) => (
                    <tr key={m.name}>
                      <td>
                        <strong>{m.name}</strong>
                        {m.aliases.length > 0 && <div className="muted">aka {m.aliases.join(', ')}</div>}
                        <div className="muted">{m.kind}</div>
                      </td>
                      <td>{m.vendor}</td>
                      <td>
                        {m.deployments.map((d) => {
                          const h = health.data?.[d.id];
                          return (
                            <div key={d.id}>
                              {d.id} · {d.region} ({d.region_country}){d.type === 'simulator' && ' · SIMULATOR'}{' '}
                              {h && <Badge value={h.state} />}{' '}
                              {h?.latency_ms !== null && h?.latency_ms !== undefined && (
                                <span className="muted">{h.latency_ms.toFixed(1)} ms</span>
                              )}
                            </div>
                          );
                        })}
                      </td>
                      <td>
                        {m.routing?.strategy ?? 'default'}
                        {m.routing?.fallback && m.routing.fallback.length > 0 && (
                          <div className="muted">fallback {m.routing.fallback.join(', ')}</div>
                        )}
                        {m.routing?.canary ? <div className="muted">canary</div> : null}
                        {m.routing?.shadow ? <div className="muted">shadow</div> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Async>
      </Section>
      <Section title="Deployment health">
        <Async result={health} what="deployment health" isEmpty={(h) => Object.keys(h).length === 0}>
          {(h) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">Deployment</th>
                  <th scope="col">Circuit</th>
                  <th scope="col" className="num">
                    Latency (EWMA)
                  </th>
                  <th scope="col" className="num">
                    Successes
                  </th>
                  <th scope="col" className="num">
                    Failures
                  </th>
                  <th scope="col">Retry after</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(h).map(([id, d]) => (
                  <tr key={id}>
                    <td>{id}</td>
                    <td>
                      <Badge value={d.state} />
                    </td>
                    <td className="num">{d.latency_ms === null ? '—' : `${d.latency_ms.toFixed(1)} ms`}</td>
                    <td className="num">{d.successes}</td>
                    <td className="num">{d.failures}</td>
                    <td>{d.retry_after_until ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
      </Section>
      <Section title="Canary and shadow experiments">
        <Async
          result={experiments}
          what="experiments"
          isEmpty={(e) => e.data.length === 0}
          empty="No canary or shadow experiment is configured (models[].routing.canary / shadow)."
        >
          {(e) => (
            <div className="grid2">
              {e.data.map((x, i) => (
                <div key={i} className="card">
                  <h3>
                    {String(x.model ?? '')} {String(x.kind ?? '')}
                  </h3>
                  <Facts value={x} />
                </div>
              ))}
            </div>
          )}
        </Async>
      </Section>
    </div>
  );
}

/** An experiment's report as the gateway gives it: both arms side by side, nested facts as nested lists. */
function Facts({ value }: { value: unknown }): ReactNode {
  if (value === null || typeof value !== 'object') return <>{String(value)}</>;
  return (
    <dl className="facts">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt>{k.replace(/_/g, ' ')}</dt>
          <dd>
            <Facts value={typeof v === 'number' ? Math.round(v * 1000) / 1000 : v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
