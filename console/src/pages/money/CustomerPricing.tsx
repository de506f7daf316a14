// A customer's negotiated prices: a discount on list prices, its own rates for some models, a monthly commitment.
// Finance (and admin) change them; everyone else reads them.
import { useState, type FormEvent } from 'react';
import { useCan, useSession } from '../../session.tsx';
import type { Org } from '../../types.ts';
import { ErrorNote, Field, Section, fieldProblem, useApi } from '../../ui.tsx';

type Rate = { model: string; input: string; output: string; cached_input?: string };
interface Override {
  discount_pct?: number;
  rates?: Rate[];
  committed_monthly?: string | number;
}

export function CustomerPricing({ org, onSaved }: { org: Org; onSaved(): void }) {
  const current = (org.pricing ?? {}) as Override;
  const canEdit = useCan('finance');
  return (
    <Section title="Negotiated prices">
      <dl className="facts">
        <dt>Discount on list prices</dt>
        <dd>{current.discount_pct ? `${current.discount_pct}%` : 'none'}</dd>
        <dt>Own rates</dt>
        <dd>
          {current.rates?.length
            ? current.rates.map((r) => `${r.model}: ${r.input} in / ${r.output} out per million`).join('; ')
            : 'none: list prices'}
        </dd>
        <dt>Monthly commitment</dt>
        <dd>{current.committed_monthly ?? 'none'}</dd>
      </dl>
      {canEdit && <OverrideForm orgId={org.id} current={current} onSaved={onSaved} />}
    </Section>
  );
}

function OverrideForm({ orgId, current, onSaved }: { orgId: string; current: Override; onSaved(): void }) {
  const { client } = useSession();
  const catalogue = useApi<{ models: Array<{ name: string }> }>('/catalogue');
  const [discount, setDiscount] = useState(current.discount_pct?.toString() ?? '');
  const [committed, setCommitted] = useState(current.committed_monthly?.toString() ?? '');
  const [rates, setRates] = useState<Rate[]>(current.rates ?? []);
  const [outcome, setOutcome] = useState<{ ok: boolean; text?: string; error?: unknown }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = { rates };
    // A number where it reads as one; as typed otherwise, for the gateway to name the problem.
    if (discount.trim()) body.discount_pct = Number.isFinite(Number(discount)) ? Number(discount) : discount;
    if (committed.trim()) body.committed_monthly = committed.trim();
    try {
      const out = await client.call<{ below_cost: Array<{ message: string }> }>('PUT', `/orgs/${orgId}/pricing`, body);
      const warn = out.below_cost.length ? ` Warning: ${out.below_cost.map((b) => b.message).join('; ')}.` : '';
      setOutcome({ ok: true, text: `Negotiated prices saved.${warn}` });
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  const error = outcome?.ok === false ? outcome.error : undefined;
  const setRate = (i: number, patch: Partial<Rate>) =>
    setRates((rs) => rs.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  return (
    <form onSubmit={submit} aria-label="Negotiated prices" noValidate>
      <div className="filters">
        <Field label="Discount (%)" param="discount_pct" error={error}>
          {(p) => <input {...p} inputMode="decimal" value={discount} onChange={(e) => setDiscount(e.target.value)} />}
        </Field>
        <Field label="Monthly commitment" param="committed_monthly" error={error}>
          {(p) => <input {...p} inputMode="decimal" value={committed} onChange={(e) => setCommitted(e.target.value)} />}
        </Field>
      </div>
      {rates.map((r, i) => (
        <fieldset key={i} className="filters">
          <legend>Own rate {i + 1}</legend>
          <label>
            Model
            <select value={r.model} onChange={(e) => setRate(i, { model: e.target.value })}>
              <option value="">Choose…</option>
              {catalogue.data?.models.map((m) => (
                <option key={m.name}>{m.name}</option>
              ))}
            </select>
          </label>
          {(['input', 'output'] as const).map((f) => {
            const problem = fieldProblem(error, `rates[${i}].${f}`);
            return (
              <label key={f}>
                {f === 'input' ? 'Input per million' : 'Output per million'}
                <input
                  inputMode="decimal"
                  value={r[f]}
                  aria-invalid={problem ? true : undefined}
                  onChange={(e) => setRate(i, { [f]: e.target.value })}
                />
                {problem && <span className="field-problem">{problem}</span>}
              </label>
            );
          })}
          <button type="button" className="secondary" onClick={() => setRates(rates.filter((_, k) => k !== i))}>
            Remove rate {i + 1}
          </button>
        </fieldset>
      ))}
      <div className="filters">
        <button
          type="button"
          className="secondary"
          onClick={() => setRates([...rates, { model: '', input: '', output: '' }])}
        >
          Add an own rate
        </button>
        <button type="submit">Save negotiated prices</button>
      </div>
      {outcome?.ok && (
        <p className="state ok" role="status">
          {outcome.text}
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} title="Negotiated prices not saved" />}
    </form>
  );
}
