// A customer's routing (where it may be served from), its own exclusions (vendors, models, regions it chose not to
// use, which the policy applies) and how its outputs are disclosed as AI-generated.
import { useState, type FormEvent } from 'react';
import { useCan, useSession } from '../../session.tsx';
import { Async, Empty, ErrorNote, Section, useApi } from '../../ui.tsx';
import { RegionsForm, type RoutingSettings } from './Regions.tsx';

interface Disclosure {
  source: string;
  notice: string | null;
  position: string;
  c2pa_text: boolean;
}

type AllowDeny = { allow?: string[]; deny?: string[] };
type Preferences = Partial<Record<'vendors' | 'models' | 'regions' | 'region_countries', AllowDeny>>;

interface CatalogueNames {
  regions: Array<{ id: string; name: string }>;
  vendors: Array<{ id: string; name: string }>;
  models: Array<{ name: string; vendor: string }>;
}

export function Settings({ orgId }: { orgId: string }) {
  const routing = useApi<RoutingSettings>(`/orgs/${orgId}/routing`);
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
            {canRoute && (
              <RegionsForm
                path={`/orgs/${orgId}/routing`}
                label="Allowed regions"
                current={r}
                onSaved={routing.reload}
              />
            )}
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

/** The customer's own exclusions (its deny lists); its allow lists and country lists are kept as they are. */
export function PreferencesCard({ orgId }: { orgId: string }) {
  const prefs = useApi<Preferences>(`/orgs/${orgId}/preferences`);
  const catalogue = useApi<CatalogueNames>('/catalogue');
  const canEdit = useCan('operator');
  return (
    <Section title="The customer's own exclusions">
      <Async result={prefs} what="preferences">
        {(p) => (
          <>
            <dl className="facts">
              {(['vendors', 'models', 'regions', 'region_countries'] as const).map((field) => (
                <div key={field} style={{ display: 'contents' }}>
                  <dt>{field.replace('_', ' ')}</dt>
                  <dd>
                    {[
                      p[field]?.allow && `only ${p[field]!.allow!.join(', ')}`,
                      p[field]?.deny && `not ${p[field]!.deny!.join(', ')}`,
                    ]
                      .filter(Boolean)
                      .join('; ') || 'no preference'}
                  </dd>
                </div>
              ))}
            </dl>
            {canEdit && catalogue.data && (
              <ExclusionsForm orgId={orgId} current={p} names={catalogue.data} onSaved={prefs.reload} />
            )}
            {catalogue.error && <ErrorNote error={catalogue.error} title="Could not load the catalogue" />}
          </>
        )}
      </Async>
    </Section>
  );
}

function ExclusionsForm({
  orgId,
  current,
  names,
  onSaved,
}: {
  orgId: string;
  current: Preferences;
  names: CatalogueNames;
  onSaved(): void;
}) {
  const { client } = useSession();
  const [deny, setDeny] = useState({
    vendors: current.vendors?.deny ?? [],
    models: current.models?.deny ?? [],
    regions: current.regions?.deny ?? [],
  });
  const [outcome, setOutcome] = useState<{ ok: boolean; error?: unknown }>();
  const toggle = (field: keyof typeof deny, value: string, on: boolean) =>
    setDeny((d) => ({ ...d, [field]: on ? [...d[field], value] : d[field].filter((v) => v !== value) }));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body: Preferences = { ...current };
    for (const field of ['vendors', 'models', 'regions'] as const) {
      const { deny: _old, ...rest } = current[field] ?? {};
      const next: AllowDeny = deny[field].length ? { ...rest, deny: deny[field] } : rest;
      if (Object.keys(next).length) body[field] = next;
      else delete body[field];
    }
    try {
      await client.call('PUT', `/orgs/${orgId}/preferences`, body);
      setOutcome({ ok: true });
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  const group = (field: keyof typeof deny, legend: string, options: Array<{ value: string; label: string }>) => (
    <fieldset>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="checkbox"
            checked={deny[field].includes(o.value)}
            onChange={(e) => toggle(field, o.value, e.target.checked)}
          />{' '}
          {o.label}
        </label>
      ))}
    </fieldset>
  );
  return (
    <form onSubmit={save} aria-label="Exclusions">
      {group(
        'vendors',
        'Vendors not to use',
        names.vendors.map((v) => ({ value: v.id, label: v.name })),
      )}
      {group(
        'models',
        'Models not to use',
        names.models.map((m) => ({ value: m.name, label: m.name })),
      )}
      {group(
        'regions',
        'Regions not to be served from',
        names.regions.map((r) => ({ value: r.id, label: r.name })),
      )}
      <button type="submit">Save exclusions</button>
      {outcome?.ok && (
        <p className="state ok" role="status">
          Exclusions saved.
        </p>
      )}
      {outcome && !outcome.ok && <ErrorNote error={outcome.error} title="Exclusions not saved" />}
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
