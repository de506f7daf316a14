// Who is screened for an organisation: its own name, every owner in its ownership tree, and the people declared as
// its beneficial owners and directors.
import type { Owner } from '../policy/ownership.ts';
import type { KybDeclarations } from './kyb.ts';

export type SubjectRole = 'organisation' | 'owner' | 'beneficial_owner' | 'director';

export interface ScreeningSubject {
  name: string;
  role: SubjectRole;
  /** A person's date of birth where declared: compared with a listed person's, never stored with a hit. */
  date_of_birth?: string;
}

/** Ownership trees deeper than this are not walked further (the policy's look-through stops there too). */
const MAX_DEPTH = 16;

/** The names to screen, each once (the first role it appears in wins; a person's date of birth is kept). */
export function subjectsOf(
  input: { names: readonly string[]; ownership?: readonly Owner[] | null } & KybDeclarations,
): ScreeningSubject[] {
  const seen = new Map<string, ScreeningSubject>();
  const add = (name: string, role: SubjectRole, dateOfBirth?: string) => {
    const key = name.trim().toLowerCase();
    const prior = seen.get(key);
    if (prior) {
      if (dateOfBirth && !prior.date_of_birth) prior.date_of_birth = dateOfBirth;
      return;
    }
    if (key) seen.set(key, { name: name.trim(), role, ...(dateOfBirth ? { date_of_birth: dateOfBirth } : {}) });
  };
  for (const name of input.names) add(name, 'organisation');
  const walk = (owners: readonly Owner[] | undefined, depth: number) => {
    if (!owners || depth > MAX_DEPTH) return;
    for (const o of owners) {
      add(o.name, 'owner');
      walk(o.owners, depth + 1);
    }
  };
  walk(input.ownership ?? undefined, 0);
  for (const p of input.beneficial_owners ?? []) add(p.name, 'beneficial_owner', p.date_of_birth);
  for (const p of input.directors ?? []) add(p.name, 'director', p.date_of_birth);
  return [...seen.values()];
}
