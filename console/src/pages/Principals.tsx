// Admin principals (admin role only): who may use the admin API and with what role; create (the token is shown
// once) and delete.
import { useState, type FormEvent } from 'react';
import type { Role } from '../api.ts';
import { when } from '../format.ts';
import { useSession } from '../session.tsx';
import type { List } from '../types.ts';
import { Async, Badge, ErrorNote, Section, useApi } from '../ui.tsx';

interface PrincipalRecord {
  id: string;
  name: string;
  role: Role;
  created_at: string;
}

const ROLES: Array<{ value: Role; label: string }> = [
  { value: 'viewer', label: 'viewer: reads everything, changes nothing' },
  { value: 'operator', label: 'operator: customers, keys, limits, routing' },
  { value: 'finance', label: 'finance: prices, invoices, reconciliation' },
  { value: 'compliance', label: 'compliance: vetting, abuse, disclosure' },
  { value: 'admin', label: 'admin: everything, principals included' },
];

export function Principals() {
  const { client, principal: me } = useSession();
  const list = useApi<List<PrincipalRecord>>('/principals');
  const [error, setError] = useState<unknown>();
  const remove = async (p: PrincipalRecord) => {
    if (!window.confirm(`Delete ${p.name} (${p.role})? Their token stops working at once.`)) return;
    setError(undefined);
    try {
      await client.call('DELETE', `/principals/${encodeURIComponent(p.id)}`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="page">
      <h1>Principals</h1>
      <Section title="Who may use the admin API">
        <Async result={list} what="principals" isEmpty={(l) => l.data.length === 0} empty="No principals yet.">
          {(l) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Created</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  {l.data.map((p) => (
                    <tr key={p.id}>
                      <td>
                        {p.name}
                        <div className="muted">{p.id}</div>
                      </td>
                      <td>
                        <Badge value={p.role} />
                      </td>
                      <td>{when(p.created_at)}</td>
                      <td>
                        {p.id === me.id ? (
                          <span className="muted">you</span>
                        ) : (
                          <button type="button" className="danger" onClick={() => remove(p)}>
                            Delete {p.name}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Async>
        {error !== undefined && <ErrorNote error={error} title="The gateway refused" />}
      </Section>
      <NewPrincipal onCreated={list.reload} />
    </div>
  );
}

function NewPrincipal({ onCreated }: { onCreated(): void }) {
  const { client } = useSession();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<{ name: string; token: string }>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setMade(undefined);
    try {
      const p = await client.call<PrincipalRecord & { token: string }>('POST', '/principals', { name, role });
      setMade({ name: p.name, token: p.token });
      setName('');
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="New principal">
      <form className="filters" onSubmit={submit} aria-label="Create a principal">
        <label>
          Name
          <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy || name.trim() === ''}>
          {busy ? 'Creating…' : 'Create principal'}
        </button>
      </form>
      {made && (
        <p className="state ok" role="status">
          Token for {made.name} (shown once, copy it now): <code className="secret">{made.token}</code>
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} title="Principal not created" />}
    </Section>
  );
}
