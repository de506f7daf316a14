// Who is screened for an organisation: its own name and every owner in its ownership tree.
import type { Owner } from '../policy/ownership.ts';

export type SubjectRole = 'organisation' | 'owner';

export interface ScreeningSubject {
  name: string;
  role: SubjectRole;
}

/** Ownership trees deeper than this are not walked further (the policy's look-through stops there too). */
const MAX_DEPTH = 16;

/** The names to screen, each once (the first role it appears in wins). */
export function subjectsOf(input: { names: readonly string[]; ownership?: readonly Owner[] | null }): ScreeningSubject[] {
  const seen = new Map<string, ScreeningSubject>();
  const add = (name: string, role: SubjectRole) => {
    const key = name.trim().toLowerCase();
    if (key && !seen.has(key)) seen.set(key, { name: name.trim(), role });
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
  return [...seen.values()];
}
