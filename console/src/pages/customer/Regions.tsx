// Where requests may be served from: the regions ticked (none ticked: any the policy allows), for an organisation
// or one of its keys. The other routing settings are kept as they are.
import { useState, type FormEvent } from 'react';
import { useSession } from '../../session.tsx';
import { ErrorNote, useApi } from '../../ui.tsx';

export type RoutingSettings = { allowed_regions?: string[] } & Record<string, unknown>;

export function RegionsForm({
  path,
  label,
  current,
  onSaved,
}: {
  path: string;
  label: string;
  current: RoutingSettings;
  onSaved(): void;
}) {
  const { client } = useSession();
  const catalogue = useApi<{ regions: Array<{ id: string; name: string; country: string }> }>('/catalogue');
  const [allowed, setAllowed] = useState<string[]>(current.allowed_regions ?? []);
  const [outcome, setOutcome] = useState<{ ok: boolean; error?: unknown }>();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const { allowed_regions: _old, ...rest } = current;
      await client.call('PUT', path, allowed.length ? { ...rest, allowed_regions: allowed } : rest);
      setOutcome({ ok: true });
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  return (
    <form onSubmit={save} aria-label={label}>
      <fieldset>
        <legend>Allowed regions (none ticked: any)</legend>
        {catalogue.error && <ErrorNote error={catalogue.error} title="Could not load the regions" />}
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
