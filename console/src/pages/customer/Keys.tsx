// A customer's API keys: create (the secret is shown once), revoke, and each key's own limits and regions.
import { useState, type FormEvent } from 'react';
import { when } from '../../format.ts';
import { useCan, useSession } from '../../session.tsx';
import type { Limits, List } from '../../types.ts';
import { Async, ErrorNote, Section, useApi } from '../../ui.tsx';
import { LimitsFacts, LimitsForm } from './LimitsForm.tsx';
import { RegionsForm, type RoutingSettings } from './Regions.tsx';

interface Key {
  id: string;
  name: string | null;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  limits: Limits | null;
  routing: RoutingSettings | null;
}

const keyName = (k: Key) => k.name ?? k.prefix;

export function Keys({ orgId }: { orgId: string }) {
  const { client } = useSession();
  const keys = useApi<List<Key>>(`/orgs/${orgId}/keys`);
  const canManage = useCan('operator');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<{ name: string; key: string }>();
  const [error, setError] = useState<unknown>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSecret(undefined);
    try {
      const made = await client.call<Key & { key: string }>('POST', `/orgs/${orgId}/keys`, {
        name: name.trim() || undefined,
      });
      setSecret({ name: keyName(made), key: made.key });
      setName('');
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (key: Key) => {
    if (!window.confirm(`Revoke key ${keyName(key)} (${key.prefix}…)? It stops working at once.`)) return;
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
          <>
            <div className="table-wrap">
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
                      <td>{k.name ?? <span className="muted">unnamed</span>}</td>
                      <td>
                        <code>{k.prefix}…</code>
                      </td>
                      <td>{when(k.created_at)}</td>
                      <td>
                        {k.revoked_at ? (
                          `revoked ${when(k.revoked_at)}`
                        ) : canManage ? (
                          <button type="button" className="secondary" onClick={() => revoke(k)}>
                            Revoke {keyName(k)}
                          </button>
                        ) : (
                          'active'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {l.data
              .filter((k) => !k.revoked_at)
              .map((k) => (
                <KeySettings key={k.id} orgId={orgId} apiKey={k} onSaved={keys.reload} />
              ))}
          </>
        )}
      </Async>
      {canManage && (
        <form className="filters" onSubmit={create} aria-label="Create a key">
          <label>
            New key name
            <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit">Create key</button>
        </form>
      )}
      {secret && (
        <p className="state ok" role="status">
          New key {secret.name} (shown once, copy it now): <code className="secret">{secret.key}</code>
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} title="The gateway refused" />}
    </Section>
  );
}

/** One key's own limits and regions, folded away until asked for. */
function KeySettings({ orgId, apiKey, onSaved }: { orgId: string; apiKey: Key; onSaved(): void }) {
  const canEdit = useCan('operator');
  const name = keyName(apiKey);
  const base = `/orgs/${orgId}/keys/${apiKey.id}`;
  const regions = apiKey.routing?.allowed_regions;
  return (
    <details className="key-settings">
      <summary>Key {name}: limits and regions</summary>
      <LimitsFacts limits={apiKey.limits ?? {}} fallback="the organisation's" />
      <LimitsForm
        path={`${base}/limits`}
        label={`Key ${name}: limits`}
        current={apiKey.limits ?? {}}
        onSaved={onSaved}
      />
      <p>Allowed regions: {regions?.length ? regions.join(', ') : "the organisation's"}</p>
      {canEdit && (
        <RegionsForm
          path={`${base}/routing`}
          label={`Key ${name}: regions`}
          current={apiKey.routing ?? {}}
          onSaved={onSaved}
        />
      )}
    </details>
  );
}
