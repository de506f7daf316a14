// Distillation monitoring: organisations by risk, campaigns and their members, the evidence behind each score, the
// reviewer's actions and their audit trail.
import { useState } from 'react';
import { when } from '../format.ts';
import { useCan, useSession } from '../session.tsx';
import type { Alert, AuditEntry, List, Org, Risk } from '../types.ts';
import { Async, Badge, Empty, ReasonForm, Section, useApi } from '../ui.tsx';

export function Abuse() {
  const risk = useApi<List<Risk>>('/abuse/risk');
  const alerts = useApi<List<Alert>>('/abuse/alerts');
  const orgs = useApi<List<Org>>('/orgs');
  const [selected, setSelected] = useState<string>();
  const names = new Map((orgs.data?.data ?? []).map((o) => [o.id, o]));
  const name = (id: string) => names.get(id)?.name ?? id;
  return (
    <div className="page">
      <h1>Abuse</h1>
      <Async
        result={risk}
        what="risk scores"
        isEmpty={(l) => l.data.length === 0}
        empty="The detector has seen no traffic yet."
      >
        {(l) => {
          const ranked = [...l.data].sort((a, b) => b.score - a.score);
          const current = ranked.find((r) => r.org === selected) ?? ranked[0]!;
          const campaigns = new Map<string, string[]>();
          for (const r of ranked)
            if (r.campaign) campaigns.set(r.campaign, [...(campaigns.get(r.campaign) ?? []), r.org]);
          return (
            <>
              <div className="split">
                <Section title="Organisations by risk">
                  <ul className="list-select">
                    {ranked.map((r) => (
                      <li key={r.org}>
                        <button type="button" aria-pressed={r.org === current.org} onClick={() => setSelected(r.org)}>
                          <strong>{name(r.org)}</strong> score {r.score.toFixed(2)}{' '}
                          {r.flagged && <Badge value="flag" />}
                          {names.get(r.org)?.enforcement && <Badge value="throttle" />}
                        </button>
                      </li>
                    ))}
                  </ul>
                </Section>
                <Evidence
                  key={current.org}
                  risk={current}
                  org={names.get(current.org)}
                  onActed={() => {
                    risk.reload();
                    alerts.reload();
                    orgs.reload();
                  }}
                />
              </div>
              <Section title="Campaigns">
                {campaigns.size === 0 ? (
                  <Empty>
                    No campaign: no accounts linked by shared addresses and recent or similar registrations.
                  </Empty>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Campaign</th>
                        <th scope="col">Members</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...campaigns].map(([id, members]) => (
                        <tr key={id}>
                          <td>
                            <code>{id}</code>
                          </td>
                          <td>{members.map(name).join(', ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Section>
            </>
          );
        }}
      </Async>
      <Section title="Alerts">
        <Async result={alerts} what="alerts" isEmpty={(l) => l.data.length === 0} empty="No alerts.">
          {(l) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Organisation</th>
                  <th scope="col">Action</th>
                  <th scope="col" className="num">
                    Score
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...l.data].reverse().map((a, i) => (
                  <tr key={i}>
                    <td>{when(a.at)}</td>
                    <td>{name(a.org)}</td>
                    <td>
                      <Badge value={a.action} />
                    </td>
                    <td className="num">{a.score.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
      </Section>
    </div>
  );
}

function Evidence({ risk, org, onActed }: { risk: Risk; org?: Org; onActed(): void }) {
  const { client } = useSession();
  const canAct = useCan('compliance');
  const trail = useApi<List<AuditEntry>>(`/audit?subject_id=${encodeURIComponent(risk.org)}&limit=50`);
  const abuseTrail = (trail.data?.data ?? []).filter((e) => e.action.startsWith('abuse.'));
  return (
    <Section title={`Evidence: ${org?.name ?? risk.org}`}>
      <p>
        Score <strong>{risk.score.toFixed(2)}</strong>
        {risk.flagged ? `, flagged ${when(risk.first_flagged_at)}` : ', not flagged'}
        {org && (
          <>
            {' '}
            · status <Badge value={org.status} />
            {org.enforcement && ` · throttled to ${org.enforcement.requests_per_minute}/min`}
          </>
        )}
      </p>
      {risk.reasons.length === 0 ? (
        <Empty>No reason for concern in this organisation's traffic.</Empty>
      ) : (
        <ul aria-label="Reasons">
          {risk.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {canAct && (
        <ReasonForm
          label={`Review ${org?.name ?? risk.org}`}
          verbs={[
            { value: 'clear', label: 'Clear' },
            { value: 'throttle', label: 'Throttle' },
            { value: 'require_revetting', label: 'Require re-vetting' },
            { value: 'suspend', label: 'Suspend' },
          ]}
          onSubmit={async (decision, reason) => {
            const after = await client.call<Org>('POST', `/abuse/orgs/${risk.org}/review`, { decision, reason });
            onActed();
            trail.reload();
            return `Recorded ${decision.replace('_', ' ')}: ${after.name} is ${after.status.replace('_', ' ')}${after.enforcement ? `, throttled to ${after.enforcement.requests_per_minute}/min` : ''}.`;
          }}
        />
      )}
      <h3>Audit trail</h3>
      <Async result={trail} what="the audit trail">
        {() =>
          abuseTrail.length === 0 ? (
            <Empty>No action taken yet.</Empty>
          ) : (
            <table aria-label="Abuse audit trail">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {abuseTrail.map((e) => (
                  <tr key={e.seq}>
                    <td>{when(e.ts)}</td>
                    <td>{e.actor}</td>
                    <td>{e.action}</td>
                    <td>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </Section>
  );
}
