// Budget and rate limits, of an organisation or of one of its keys: what is set, and (for operators) a form to change
// it. Empty fields mean the default (the tier's, or the organisation's for a key).
import { useState, type FormEvent } from 'react';
import { money } from '../../format.ts';
import { useCan, useSession } from '../../session.tsx';
import type { Limits } from '../../types.ts';
import { ErrorNote } from '../../ui.tsx';

export function LimitsFacts({ limits, fallback }: { limits: Limits; fallback: string }) {
  return (
    <dl className="facts">
      <dt>Requests per minute</dt>
      <dd>{limits.requests_per_minute ?? fallback}</dd>
      <dt>Tokens per minute</dt>
      <dd>{limits.tokens_per_minute ?? fallback}</dd>
      <dt>Concurrent</dt>
      <dd>{limits.concurrent ?? fallback}</dd>
      <dt>Monthly budget</dt>
      <dd>
        {limits.budget ? `${money(limits.budget.monthly_micros)} (${limits.budget.hard ? 'hard' : 'soft'})` : 'none'}
      </dd>
    </dl>
  );
}

/**
 * PUTs the limits to `path` (they replace what was set; `keep` carries what this form does not show, such as
 * per-model limits, so that saving here does not drop them).
 */
export function LimitsForm({
  path,
  label,
  current,
  keep = {},
  onSaved,
}: {
  path: string;
  label: string;
  current: Limits;
  keep?: Record<string, unknown>;
  onSaved(): void;
}) {
  const { client } = useSession();
  const canEdit = useCan('operator');
  const [rpm, setRpm] = useState(current.requests_per_minute?.toString() ?? '');
  const [tpm, setTpm] = useState(current.tokens_per_minute?.toString() ?? '');
  const [concurrent, setConcurrent] = useState(current.concurrent?.toString() ?? '');
  // Shown from whole micro-units without going through a float: 250500000 is "250.5".
  const [budget, setBudget] = useState(current.budget ? microsToText(current.budget.monthly_micros) : '');
  const [hard, setHard] = useState(current.budget?.hard ?? true);
  const [outcome, setOutcome] = useState<{ ok: boolean; error?: unknown }>();
  if (!canEdit) return null;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    // Sent as typed (numbers where they look like numbers): the gateway names what it refuses.
    const whole = (v: string) => (v.trim() === '' ? undefined : /^\d+$/.test(v.trim()) ? Number(v) : v);
    try {
      await client.call('PUT', path, {
        ...keep,
        requests_per_minute: whole(rpm),
        tokens_per_minute: whole(tpm),
        concurrent: whole(concurrent),
        // Sent as the decimal text typed: the gateway parses currency amounts exactly.
        budget: budget.trim() === '' ? undefined : { monthly: budget.trim(), hard },
      });
      setOutcome({ ok: true });
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, error });
    }
  };
  return (
    <>
      <form className="filters" onSubmit={save} aria-label={label}>
        <label>
          Requests/min
          <input inputMode="numeric" value={rpm} onChange={(e) => setRpm(e.target.value)} />
        </label>
        <label>
          Tokens/min
          <input inputMode="numeric" value={tpm} onChange={(e) => setTpm(e.target.value)} />
        </label>
        <label>
          Concurrent
          <input inputMode="numeric" value={concurrent} onChange={(e) => setConcurrent(e.target.value)} />
        </label>
        <label>
          Monthly budget
          <input inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} />
        </label>
        <label>
          <span>Hard budget</span>
          <input type="checkbox" checked={hard} onChange={(e) => setHard(e.target.checked)} />
        </label>
        <button type="submit">Save limits</button>
      </form>
      {outcome?.ok && (
        <p className="state ok" role="status">
          Limits saved.
        </p>
      )}
      {outcome && !outcome.ok && <ErrorNote error={outcome.error} title="Limits not saved" />}
    </>
  );
}

/** Whole micro-units as decimal currency text, exactly (no float). */
export function microsToText(micros: number | string): string {
  const digits = BigInt(micros).toString().padStart(7, '0');
  const whole = digits.slice(0, -6);
  const fraction = digits.slice(-6).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}
