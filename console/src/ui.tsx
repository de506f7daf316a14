// Shared pieces: loading, error and empty states, data fetching, tables and the reasoned-action form.
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from './api.ts';
import { useSession } from './session.tsx';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload(): void;
}

/** GETs `path` under /admin/v1 (nothing when null), again whenever it changes or reload() is called. */
export function useApi<T>(path: string | null): Loaded<T> {
  const { client } = useSession();
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ data: s.data, loading: true }));
    client.call<T>('GET', path).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [client, path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  const err = error as Error;
  const api = err instanceof ApiError ? err : undefined;
  return (
    <div className="state error" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      <p>{err.message}</p>
      {api && api.details.length > 1 && (
        <ul>
          {api.details.map((d, i) => (
            <li key={i}>
              {d.param ? <code>{d.param}</code> : null} {d.message}
            </li>
          ))}
        </ul>
      )}
      {api && api.status > 0 && (
        <p className="muted">
          {api.status} {api.code}
        </p>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>;
}

/** The three states of a load, then the content. */
export function Async<T>({
  result,
  what,
  isEmpty,
  empty,
  children,
}: {
  result: Loaded<T>;
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (result.error) return <ErrorNote error={result.error} title={`Could not load ${what}`} />;
  if (result.data === undefined) return <Loading what={what} />;
  if (isEmpty?.(result.data)) return <Empty>{empty ?? `No ${what} yet.`}</Empty>;
  return <>{children(result.data)}</>;
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <header className="card-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${value.replace(/[^a-z_]/gi, '')}`}>{value.replace(/_/g, ' ')}</span>;
}

/**
 * A decision with a reason (approve, suspend, clear...): the verbs offered, a reason the gateway requires, and what
 * the gateway answered, success or error.
 */
export function ReasonForm({
  label,
  verbs,
  onSubmit,
  extra,
}: {
  label: string;
  verbs: Array<{ value: string; label: string }>;
  onSubmit(verb: string, reason: string): Promise<string>;
  extra?: ReactNode;
}) {
  const [verb, setVerb] = useState(verbs[0]?.value ?? '');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text?: string; error?: unknown }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(undefined);
    try {
      setOutcome({ ok: true, text: await onSubmit(verb, reason) });
      setReason('');
    } catch (error) {
      setOutcome({ ok: false, error });
    } finally {
      setBusy(false);
    }
  };
  const id = label.replace(/\W+/g, '-').toLowerCase();
  return (
    <form className="reason-form" onSubmit={submit} aria-label={label}>
      <div className="row">
        <label htmlFor={`${id}-verb`}>Decision</label>
        <select id={`${id}-verb`} value={verb} onChange={(e) => setVerb(e.target.value)}>
          {verbs.map((v) => (
            <option key={v.value} value={v.value}>
              {v.label}
            </option>
          ))}
        </select>
        {extra}
      </div>
      <label htmlFor={`${id}-reason`}>Reason (recorded in the audit log)</label>
      <textarea
        id={`${id}-reason`}
        value={reason}
        required
        minLength={3}
        rows={2}
        onChange={(e) => setReason(e.target.value)}
      />
      <button type="submit" disabled={busy || reason.trim().length < 3}>
        {busy ? 'Working…' : 'Record decision'}
      </button>
      {outcome?.ok && (
        <p className="state ok" role="status">
          {outcome.text}
        </p>
      )}
      {outcome && !outcome.ok && <ErrorNote error={outcome.error} title="The gateway refused" />}
    </form>
  );
}

/** Saves `blob` under `name` through a temporary link. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What the gateway said about one field of a refused input (its `details`), for showing beside that field. */
export function fieldProblem(error: unknown, param: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const found = error.details.find((d) => d.param === param) ?? (error.param === param ? error : undefined);
  return found?.message;
}

/** A labelled input with the gateway's complaint about it, if any, announced with it. */
export function Field({
  label,
  param,
  error,
  children,
}: {
  label: string;
  param: string;
  error: unknown;
  children: (props: { 'aria-invalid'?: true; 'aria-describedby'?: string; id: string }) => ReactNode;
}) {
  const problem = fieldProblem(error, param);
  const id = `field-${param.replace(/\W+/g, '-')}`;
  return (
    <label className="field" htmlFor={id}>
      {label}
      {children({ id, ...(problem ? { 'aria-invalid': true, 'aria-describedby': `${id}-problem` } : {}) })}
      {problem && (
        <span className="field-problem" id={`${id}-problem`}>
          {problem}
        </span>
      )}
    </label>
  );
}
