// Creating an organisation (operators): screened at once like any other, approved unless a hit sends it to review.
// Fields are checked by the gateway; its complaint about each is shown beside the field.
import { useState, type FormEvent } from 'react';
import { useSession } from '../session.tsx';
import type { Org } from '../types.ts';
import { ErrorNote, Field, Section } from '../ui.tsx';

export function NewCustomer({ onCreated }: { onCreated(): void }) {
  const { client } = useSession();
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [tier, setTier] = useState('');
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<Org>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setMade(undefined);
    try {
      // Sent as typed: the gateway says what is wrong with it, field by field.
      const org = await client.call<Org>('POST', '/orgs', { name, country, ...(tier ? { tier } : {}) });
      setMade(org);
      setName('');
      setCountry('');
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="New customer">
      <form className="filters" onSubmit={submit} aria-label="Create a customer" noValidate>
        <Field label="Legal name" param="name" error={error}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Country (ISO code)" param="country" error={error}>
          {(p) => <input {...p} value={country} size={6} onChange={(e) => setCountry(e.target.value)} />}
        </Field>
        <Field label="Tier" param="tier" error={error}>
          {(p) => (
            <select {...p} value={tier} onChange={(e) => setTier(e.target.value)}>
              <option value="">gateway default</option>
              <option value="trial">trial</option>
              <option value="verified">verified</option>
              <option value="strategic">strategic</option>
            </select>
          )}
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create customer'}
        </button>
      </form>
      {made && (
        <p className="state ok" role="status">
          Created <a href={`#/customers/${made.id}`}>{made.name}</a>: {made.status.replace('_', ' ')}
          {made.status === 'needs_review' ? ' (a screening hit sent it to the vetting queue)' : ''}.
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} title="Customer not created" />}
    </Section>
  );
}
