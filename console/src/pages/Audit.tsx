// The audit log with filters, and the verification of its hash chain and signed checkpoints.
import { useState, type FormEvent } from 'react';
import { when } from '../format.ts';
import type { AuditEntry, List } from '../types.ts';
import { Async, Badge, ErrorNote, Section, useApi } from '../ui.tsx';
import { useSession } from '../session.tsx';

interface Verification {
  ok: boolean;
  entries: number;
  problem?: { message: string; kind?: string; seq?: number };
  checkpoint?: { seq: number; at: string; kid: string };
}

const FIELDS = ['actor', 'action', 'subject_id', 'from', 'to'] as const;

export function Audit() {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [query, setQuery] = useState('limit=100');
  const entries = useApi<List<AuditEntry>>(`/audit?${query}`);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams({ limit: '100' });
    for (const f of FIELDS) if (draft[f]?.trim()) q.set(f, draft[f]!.trim());
    setQuery(q.toString());
  };
  return (
    <div className="page">
      <h1>Audit</h1>
      <Verify />
      <Section title="Log">
        <form className="filters" onSubmit={submit} aria-label="Filter the audit log">
          {FIELDS.map((f) => (
            <label key={f}>
              {f === 'subject_id'
                ? 'Subject id'
                : f === 'from'
                  ? 'From (ISO date)'
                  : f === 'to'
                    ? 'To (ISO date)'
                    : f[0]!.toUpperCase() + f.slice(1)}
              <input value={draft[f] ?? ''} onChange={(e) => setDraft({ ...draft, [f]: e.target.value })} />
            </label>
          ))}
          <button type="submit">Filter</button>
        </form>
        <Async result={entries} what="audit entries" isEmpty={(l) => l.data.length === 0} empty="No entry matches.">
          {(l) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Subject</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {l.data.map((e) => (
                    <tr key={e.seq}>
                      <td className="num">{e.seq}</td>
                      <td>{when(e.ts)}</td>
                      <td>{e.actor}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>
                        {e.subject_type} <span className="muted">{e.subject_id}</span>
                      </td>
                      <td>{e.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Async>
      </Section>
    </div>
  );
}

function Verify() {
  const { client } = useSession();
  const [result, setResult] = useState<{ data?: Verification; error?: unknown }>();
  const run = async () => {
    setResult(undefined);
    try {
      setResult({ data: await client.call<Verification>('GET', '/audit/verify') });
    } catch (error) {
      setResult({ error });
    }
  };
  return (
    <Section
      title="Chain verification"
      actions={
        <button type="button" onClick={run}>
          Verify the chain
        </button>
      }
    >
      {!result && <p className="muted">Checks every entry's hash against the one before and the signed checkpoints.</p>}
      {result?.error !== undefined && <ErrorNote error={result.error} title="Verification failed to run" />}
      {result?.data && (
        <p role="status">
          <Badge value={result.data.ok ? 'approved' : 'rejected'} />{' '}
          {result.data.ok
            ? `Intact: ${result.data.entries} entries${result.data.checkpoint ? `, last checkpoint #${result.data.checkpoint.seq} signed ${when(result.data.checkpoint.at)}` : ''}.`
            : `BROKEN: ${result.data.problem?.message ?? 'the chain does not verify'}`}
        </p>
      )}
    </Section>
  );
}
