// Approved customers due their periodic review by a date (sooner for higher risk), each linked to its page, where
// compliance records the review.
import { useState } from 'react';
import type { List } from '../types.ts';
import { Async, Badge, Section, useApi } from '../ui.tsx';

interface Due {
  org_id: string;
  name: string;
  country: string;
  tier: string;
  risk: { level: string } | null;
  next_review_on: string;
  last_reviewed_at: string | null;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export function ReviewsDue() {
  const [dueBy, setDueBy] = useState(inDays(90));
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(dueBy);
  const due = useApi<List<Due>>(valid ? `/vetting/reviews?due_by=${dueBy}` : null);
  return (
    <Section
      title="Periodic reviews due"
      actions={
        <div className="filters">
          <label>
            Due by
            <input type="date" value={dueBy} onChange={(e) => setDueBy(e.target.value)} />
          </label>
        </div>
      }
    >
      <Async
        result={due}
        what="reviews due"
        isEmpty={(l) => l.data.length === 0}
        empty={`No approved customer is due a review by ${dueBy}.`}
      >
        {(l) => (
          <div className="table-wrap">
            <table aria-label="Reviews due">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Risk</th>
                  <th scope="col">Due</th>
                  <th scope="col">Last reviewed</th>
                </tr>
              </thead>
              <tbody>
                {l.data.map((d) => (
                  <tr key={d.org_id}>
                    <td>
                      <a href={`#/customers/${d.org_id}`}>{d.name}</a>
                      <div className="muted">
                        {d.country} · {d.tier}
                      </div>
                    </td>
                    <td>{d.risk ? <Badge value={d.risk.level} /> : '—'}</td>
                    <td>{d.next_review_on}</td>
                    <td>{d.last_reviewed_at?.slice(0, 10) ?? 'never'}</td>
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
