// A new version of the price book (finance): the latest version's list prices to edit, an effective date, a reason.
// The latest open-ended version is closed the day the new one starts; the gateway validates the whole book (overlaps,
// amounts, prices below cost) and says what it refuses, cell by cell.
import { useState, type FormEvent } from 'react';
import { useSession } from '../../session.tsx';
import { ErrorNote, fieldProblem } from '../../ui.tsx';
import { microsToText } from '../customer/LimitsForm.tsx';

const RATE_KINDS = ['input', 'cached_input', 'cache_write', 'cache_write_1h', 'output', 'reasoning'] as const;
type Rates = { [K in (typeof RATE_KINDS)[number]]?: string };
export interface BookVersion {
  effective_from: string;
  effective_to?: string;
  list_prices: Array<Rates & { model: string; tier?: string }>;
  vendor_costs: Array<Rates & { deployment: string; model?: string }>;
}
export interface PriceBookAnswer {
  version: number;
  book: { currency: string; versions: BookVersion[] };
}

const RATE_FIELDS = ['input', 'cached_input', 'cache_write', 'output'] as const;

/** Every amount of a version (micro-units, as GET /pricing gives them) as decimal currency text, exactly. */
function inCurrency<T extends Rates>(entry: T): T {
  const out: Rates = { ...entry };
  for (const f of RATE_KINDS) if (entry[f] !== undefined) out[f] = microsToText(entry[f]!);
  return out as T;
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

export function NewPriceVersion({ pricing, onSaved }: { pricing: PriceBookAnswer; onSaved(message: string): void }) {
  const { client } = useSession();
  const versions = pricing.book.versions;
  const latest = versions.at(-1);
  const [from, setFrom] = useState(tomorrow());
  const [prices, setPrices] = useState(() => (latest?.list_prices ?? []).map(inCurrency));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: false; error: unknown }>();
  const newIndex = versions.length;
  const setRate = (i: number, field: (typeof RATE_FIELDS)[number], value: string) =>
    setPrices((ps) =>
      ps.map((p, k) => {
        if (k !== i) return p;
        const next = { ...p };
        if (value.trim() === '' && field !== 'input' && field !== 'output') delete next[field];
        else next[field] = value.trim();
        return next;
      }),
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(undefined);
    // The whole book in currency units: earlier versions as they were, the open one closed when the new one starts.
    const earlier = versions.map((v) => ({
      ...v,
      ...(v === latest && !v.effective_to && v.effective_from < from ? { effective_to: from } : {}),
      list_prices: v.list_prices.map(inCurrency),
      vendor_costs: v.vendor_costs.map(inCurrency),
    }));
    const book = {
      amount_unit: 'currency',
      currency: pricing.book.currency,
      versions: [
        ...earlier,
        {
          effective_from: from,
          list_prices: prices,
          vendor_costs: (latest?.vendor_costs ?? []).map(inCurrency),
        },
      ],
    };
    try {
      const out = await client.call<{ version: number; below_cost: Array<{ message: string }> }>('PUT', '/pricing', {
        book,
        reason,
      });
      const warn = out.below_cost.length ? ` Warning: ${out.below_cost.map((b) => b.message).join('; ')}.` : '';
      onSaved(`Saved as book version ${out.version}: new prices from ${from}.${warn}`);
    } catch (error) {
      setOutcome({ ok: false, error });
      setBusy(false);
    }
  };
  const error = outcome?.error;
  const cellProblem = (i: number, f: string) => fieldProblem(error, `versions[${newIndex}].list_prices[${i}].${f}`);
  const fromProblem = fieldProblem(error, `versions[${newIndex}].effective_from`);
  return (
    <form onSubmit={submit} aria-label="New price version" noValidate>
      <p className="muted">
        List prices in {pricing.book.currency} per million tokens, copied from the version in force; vendor costs stay
        as they are.
      </p>
      <div className="filters">
        <label>
          Effective from
          <input
            type="date"
            value={from}
            aria-invalid={fromProblem ? true : undefined}
            onChange={(e) => setFrom(e.target.value)}
          />
          {fromProblem && <span className="field-problem">{fromProblem}</span>}
        </label>
      </div>
      <div className="table-wrap">
        <table aria-label="New list prices">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Tier</th>
              <th scope="col">Input</th>
              <th scope="col">Cached input</th>
              <th scope="col">Cache write</th>
              <th scope="col">Output</th>
            </tr>
          </thead>
          <tbody>
            {prices.map((p, i) => (
              <tr key={`${p.model}-${p.tier ?? 'all'}`}>
                <th scope="row">{p.model}</th>
                <td>{p.tier ?? 'all'}</td>
                {RATE_FIELDS.map((f) => {
                  const problem = cellProblem(i, f);
                  return (
                    <td key={f}>
                      <input
                        className="rate"
                        inputMode="decimal"
                        aria-label={`${f.replace('_', ' ')} price of ${p.model}${p.tier ? ` (${p.tier})` : ''}`}
                        aria-invalid={problem ? true : undefined}
                        title={problem}
                        value={p[f] ?? ''}
                        onChange={(e) => setRate(i, f, e.target.value)}
                      />
                      {problem && <span className="field-problem">{problem}</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <label htmlFor="price-reason">Reason (recorded in the audit log)</label>
      <textarea id="price-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save new version'}
      </button>
      {error !== undefined && <ErrorNote error={error} title="Price book not changed" />}
    </form>
  );
}
