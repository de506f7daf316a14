// The vetting queue: each applicant's entry beside every screening hit against it, and the reviewer's decision.
import { useState } from 'react';
import { when } from '../format.ts';
import { useCan, useSession } from '../session.tsx';
import type { Application, List, Org, ScreeningHit } from '../types.ts';
import { Async, Badge, Empty, ReasonForm, Section, useApi } from '../ui.tsx';
import { ReviewsDue } from './ReviewsDue.tsx';

interface QueueItem {
  org: Org;
  application: Application | null;
}

export function Vetting() {
  const queue = useApi<List<QueueItem>>('/vetting/queue');
  const [selected, setSelected] = useState<string>();
  return (
    <div className="page">
      <h1>Vetting queue</h1>
      <Async
        result={queue}
        what="the vetting queue"
        isEmpty={(l) => l.data.length === 0}
        empty="Nobody is waiting for review."
      >
        {(l) => {
          const current = l.data.find((i) => i.org.id === selected) ?? l.data[0]!;
          return (
            <div className="split">
              <Section title={`Waiting (${l.data.length})`}>
                <ul className="list-select">
                  {l.data.map((i) => (
                    <li key={i.org.id}>
                      <button
                        type="button"
                        aria-pressed={i.org.id === current.org.id}
                        onClick={() => setSelected(i.org.id)}
                      >
                        <strong>{i.org.name}</strong> <Badge value={i.org.status} />
                        <div className="muted">
                          {i.org.country} · {i.application?.screening?.hits.length ?? 0} screening hit(s)
                        </div>
                      </button>
                    </li>
                  ))}
                </ul>
              </Section>
              <Review key={current.org.id} item={current} onDecided={queue.reload} />
            </div>
          );
        }}
      </Async>
      <ReviewsDue />
    </div>
  );
}

function Review({ item, onDecided }: { item: QueueItem; onDecided(): void }) {
  const { client } = useSession();
  const canDecide = useCan('compliance');
  const [tier, setTier] = useState(String(item.application?.data.requested_tier ?? item.org.tier));
  const app = item.application;
  const hits = app?.screening?.hits ?? [];
  return (
    <Section title={`Review: ${item.org.name}`}>
      <div className="side-by-side">
        <div>
          <h3>Application</h3>
          {app ? <Entry data={app.data} submitted={app.submitted_at} /> : <Empty>No application on record.</Empty>}
        </div>
        <div>
          <h3>Screening hits</h3>
          {app?.screening ? (
            <p className="muted">
              {app.screening.names_screened} name(s) screened {when(app.screening.screened_at)} at threshold{' '}
              {app.screening.threshold}
            </p>
          ) : (
            <p className="muted">Not screened against a list.</p>
          )}
          {hits.length === 0 ? (
            <Empty>No screening hits.</Empty>
          ) : (
            hits.map((h) => <Hit key={h.entry_id + h.subject?.name} hit={h} />)
          )}
        </div>
      </div>
      {canDecide && (
        <ReasonForm
          label={`Decide on ${item.org.name}`}
          verbs={[
            { value: 'approve', label: 'Approve' },
            { value: 'reject', label: 'Reject' },
          ]}
          extra={
            <label>
              Tier{' '}
              <select value={tier} onChange={(e) => setTier(e.target.value)}>
                <option>trial</option>
                <option>verified</option>
                <option>strategic</option>
              </select>
            </label>
          }
          onSubmit={async (verb, reason) => {
            const after = await client.call<Org>(
              'POST',
              `/orgs/${item.org.id}/${verb}`,
              verb === 'approve' ? { reason, tier } : { reason },
            );
            onDecided();
            return `Recorded: ${after.name} is ${after.status.replace('_', ' ')}${after.status === 'approved' ? ` at tier ${after.tier}` : ''}.`;
          }}
        />
      )}
    </Section>
  );
}

function Entry({ data, submitted }: { data: Application['data']; submitted: string }) {
  const rows: Array<[string, unknown]> = [
    ['Legal name', data.legal_name],
    ['Country', data.country],
    ['Registration number', data.registration_number],
    ['Address', data.address],
    ['Website', data.website],
    ['Incorporated on', data.incorporated_on],
    ['Requested tier', data.requested_tier],
    ['Intended use', data.intended_use],
    ['Ownership', data.ownership?.map((o) => `${o.name} (${o.country}, ${o.share_pct}%)`).join('; ')],
    ['Submitted', when(submitted)],
  ];
  return (
    <dl className="facts">
      {rows
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd>{String(v)}</dd>
          </div>
        ))}
    </dl>
  );
}

function Hit({ hit }: { hit: ScreeningHit }) {
  return (
    <div className="card hit" aria-label={`Screening hit ${hit.entry_id}`}>
      <dl className="facts">
        <dt>Listed name</dt>
        <dd>
          <strong>{hit.listed_name}</strong>
        </dd>
        <dt>Matched</dt>
        <dd>
          {hit.subject ? `${hit.subject.name} (${hit.subject.role})` : hit.matched_name} · score {hit.score.toFixed(2)}
        </dd>
        <dt>List entry</dt>
        <dd>
          {hit.source} {hit.entry_id}
          {hit.type ? ` · ${hit.type}` : ''}
          {hit.programs ? ` · programs ${hit.programs}` : ''}
        </dd>
        {hit.date_of_birth_check && (
          <>
            <dt>Date of birth</dt>
            <dd>{hit.date_of_birth_check}</dd>
          </>
        )}
        {hit.license_requirement && (
          <>
            <dt>Licence</dt>
            <dd>{hit.license_requirement}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
