// Ongoing due diligence of a customer (src/vetting/due-diligence.ts): its risk level and the facts behind it, the next
// periodic review, adverse-media notes, and licence decisions on export-control hits. Compliance acts; others read.
import { useState, type FormEvent } from 'react';
import { when } from '../../format.ts';
import { useCan, useSession } from '../../session.tsx';
import type { Application, Org } from '../../types.ts';
import { Async, Badge, Empty, ErrorNote, Field, ReasonForm, Section, useApi } from '../../ui.tsx';

interface FollowUp {
  risk?: { level: string; factors: string[]; assessed_at: string } | null;
  next_review_on?: string | null;
  last_reviewed_at?: string | null;
  adverse_media?: Array<{
    id: string;
    summary: string;
    severity: string;
    source_url?: string;
    published_on?: string;
    actor: string;
    at: string;
  }>;
  licence_decisions?: Array<{
    decision: string;
    reference?: string;
    reason: string;
    entry_ids: string[];
    actor: string;
    at: string;
  }>;
}

type Record = Application & { kyb?: FollowUp | null };

/** As the gateway decides (src/vetting/licence.ts): entries on lists that make exports need a licence. */
const needsLicence = (hit: { source: string; license_requirement?: string }) =>
  Boolean(hit.license_requirement) || /\bentity list\b|military end.user/i.test(hit.source);

export function DueDiligence({ org, onChanged }: { org: Org; onChanged(): void }) {
  const record = useApi<Record>(`/orgs/${org.id}/application`);
  const isCompliance = useCan('compliance');
  const { client } = useSession();
  const reload = () => {
    record.reload();
    onChanged();
  };
  if (record.error && 'status' in record.error && record.error.status === 404)
    return (
      <Section title="Due diligence">
        <Empty>No vetting record: this customer was created before organisations were screened at creation.</Empty>
      </Section>
    );
  return (
    <Section title="Due diligence">
      <Async result={record} what="the vetting record">
        {(r) => {
          const f = r.kyb ?? {};
          const exportHits = (r.screening?.hits ?? []).filter(needsLicence);
          return (
            <>
              <dl className="facts">
                <dt>Risk</dt>
                <dd>{f.risk ? <Badge value={f.risk.level} /> : 'not assessed yet'}</dd>
                <dt>Why</dt>
                <dd>{f.risk?.factors.length ? f.risk.factors.join('; ') : '—'}</dd>
                <dt>Next review</dt>
                <dd>{f.next_review_on ?? '—'}</dd>
                <dt>Last reviewed</dt>
                <dd>{when(f.last_reviewed_at)}</dd>
              </dl>
              {isCompliance && org.status === 'approved' && (
                <ReasonForm
                  label="Periodic review"
                  verbs={[{ value: 'review', label: 'Screen again and reassess' }]}
                  onSubmit={async (_verb, reason) => {
                    const out = await client.call<{ org: Org; application: Record }>(
                      'POST',
                      `/orgs/${org.id}/periodic-review`,
                      { reason },
                    );
                    reload();
                    const next = out.application.kyb?.next_review_on;
                    return out.org.status === 'approved'
                      ? `Reviewed: risk ${out.application.kyb?.risk?.level ?? 'unknown'}, next review ${next ?? 'not set'}.`
                      : `Re-screening sent ${out.org.name} to ${out.org.status.replace('_', ' ')}.`;
                  }}
                />
              )}
              <h3>Adverse media</h3>
              {f.adverse_media?.length ? (
                <ul className="notes" aria-label="Adverse media notes">
                  {f.adverse_media.map((m) => (
                    <li key={m.id}>
                      <Badge value={m.severity} /> {m.summary}
                      {m.source_url && (
                        <>
                          {' '}
                          (<a href={m.source_url}>source</a>)
                        </>
                      )}
                      <div className="muted">
                        {m.actor}, {when(m.at)}
                        {m.published_on ? `, published ${m.published_on}` : ''}
                      </div>
                    </li>
                  ))}
                </ul>
              ) : (
                <Empty>No adverse media on file.</Empty>
              )}
              {isCompliance && <AdverseMediaForm orgId={org.id} onSaved={reload} />}
              <h3>Export-control licences</h3>
              {exportHits.length === 0 ? (
                <Empty>No export-control hit in the latest screening: no licence decision needed.</Empty>
              ) : (
                <>
                  <p>
                    Hits that need a licence decision:{' '}
                    {exportHits.map((h) => `${h.listed_name} (${h.source} ${h.entry_id})`).join('; ')}
                  </p>
                  {isCompliance && <LicenceForm orgId={org.id} onSaved={reload} />}
                </>
              )}
              {f.licence_decisions?.map((d) => (
                <p key={d.at} className="muted">
                  Licence {d.decision.replace('_', ' ')}
                  {d.reference ? ` (${d.reference})` : ''} for {d.entry_ids.join(', ')} by {d.actor}, {when(d.at)}:{' '}
                  {d.reason}
                </p>
              ))}
            </>
          );
        }}
      </Async>
    </Section>
  );
}

function AdverseMediaForm({ orgId, onSaved }: { orgId: string; onSaved(): void }) {
  const { client } = useSession();
  const [summary, setSummary] = useState('');
  const [severity, setSeverity] = useState('medium');
  const [source, setSource] = useState('');
  const [published, setPublished] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; text?: string; error?: unknown }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const out = await client.call<{ risk_level?: string | null }>('POST', `/orgs/${orgId}/adverse-media`, {
        summary,
        severity,
        ...(source.trim() ? { source_url: source.trim() } : {}),
        ...(published ? { published_on: published } : {}),
      });
      setOutcome({ ok: true, text: `Note added${out.risk_level ? `: risk is now ${out.risk_level}` : ''}.` });
      setSummary('');
      setSource('');
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  const error = outcome?.ok === false ? outcome.error : undefined;
  return (
    <form className="filters" onSubmit={submit} aria-label="Add an adverse-media note" noValidate>
      <Field label="What was reported" param="summary" error={error}>
        {(p) => <input {...p} value={summary} size={40} onChange={(e) => setSummary(e.target.value)} />}
      </Field>
      <Field label="Severity" param="severity" error={error}>
        {(p) => (
          <select {...p} value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="low">low</option>
            <option value="medium">medium</option>
            <option value="high">high</option>
          </select>
        )}
      </Field>
      <Field label="Source URL" param="source_url" error={error}>
        {(p) => <input {...p} type="url" value={source} onChange={(e) => setSource(e.target.value)} />}
      </Field>
      <Field label="Published on" param="published_on" error={error}>
        {(p) => <input {...p} type="date" value={published} onChange={(e) => setPublished(e.target.value)} />}
      </Field>
      <button type="submit">Add note</button>
      {outcome?.ok && (
        <p className="state ok" role="status">
          {outcome.text}
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} title="Note not added" />}
    </form>
  );
}

function LicenceForm({ orgId, onSaved }: { orgId: string; onSaved(): void }) {
  const { client } = useSession();
  const [decision, setDecision] = useState('granted');
  const [reference, setReference] = useState('');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; error?: unknown }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await client.call('POST', `/applications/${orgId}/licence`, {
        decision,
        ...(reference.trim() ? { reference: reference.trim() } : {}),
        reason,
      });
      setOutcome({ ok: true });
      setReason('');
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  const error = outcome?.ok === false ? outcome.error : undefined;
  return (
    <form className="filters" onSubmit={submit} aria-label="Record a licence decision" noValidate>
      <Field label="Licence" param="decision" error={error}>
        {(p) => (
          <select {...p} value={decision} onChange={(e) => setDecision(e.target.value)}>
            <option value="granted">granted</option>
            <option value="denied">denied</option>
            <option value="not_required">not required</option>
          </select>
        )}
      </Field>
      <Field label="Licence number" param="reference" error={error}>
        {(p) => <input {...p} value={reference} onChange={(e) => setReference(e.target.value)} />}
      </Field>
      <Field label="Why" param="reason" error={error}>
        {(p) => <input {...p} value={reason} size={40} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <button type="submit">Record licence decision</button>
      {outcome?.ok && (
        <p className="state ok" role="status">
          Licence decision recorded.
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} title="Licence decision refused" />}
    </form>
  );
}
