// The loaded sanctions lists (one current version per source) and the screener over all of them.
import { LOCAL_BUS, type InvalidationBus } from '../../store/invalidation.ts';
import type { SanctionsListRecord, VettingStore } from '../../store/ports.ts';
import type { ListEntry } from './lists.ts';
import type { ScreeningSubject, SubjectRole } from '../subjects.ts';
import { SanctionsScreener, type ScreeningHit } from './screener.ts';

export class SanctionsBook {
  private lists = new Map<string, SanctionsListRecord>();
  private screener = new SanctionsScreener();

  constructor(
    private readonly store: VettingStore,
    private readonly bus: InvalidationBus = LOCAL_BUS,
  ) {
    // Another node loaded a list: the stored versions are the ones to screen against.
    bus.subscribe((change) => (change.kind === 'sanctions' || change.kind === 'all' ? this.reload() : undefined));
  }

  async init(): Promise<void> {
    for (const list of await this.store.lists()) this.lists.set(list.source, list);
    this.rebuild();
  }

  /** Re-reads the lists, rebuilding the screener only when a version changed (a rebuild indexes every entry). */
  private async reload(): Promise<void> {
    const stored = await this.store.lists();
    const changed =
      stored.length !== this.lists.size || stored.some((l) => this.lists.get(l.source)?.version !== l.version);
    if (!changed) return;
    this.lists = new Map(stored.map((l) => [l.source, l]));
    this.rebuild();
  }

  /** Whether any list is loaded: with none, screening finds nothing because it has nothing to look in. */
  get loaded(): boolean {
    return this.screener.size > 0;
  }

  versions(): Record<string, number> {
    return Object.fromEntries([...this.lists.values()].map((l) => [l.source, l.version]));
  }

  summary() {
    return [...this.lists.values()].map((l) => ({
      source: l.source,
      version: l.version,
      loaded_at: l.loaded_at,
      entries: l.entries.length,
    }));
  }

  /** Replaces one source's list with a new version. */
  async load(source: string, entries: ListEntry[]): Promise<SanctionsListRecord> {
    const list: SanctionsListRecord = {
      source,
      version: (this.lists.get(source)?.version ?? 0) + 1,
      loaded_at: new Date().toISOString(),
      entries,
    };
    await this.store.saveList(list);
    this.lists.set(source, list);
    this.rebuild();
    this.bus.publish({ kind: 'sanctions' });
    return list;
  }

  screen(names: readonly string[], threshold: number): ScreeningHit[] {
    return this.screenSubjects(
      names.map((name) => ({ name, role: 'organisation' as const })),
      threshold,
    ).map(({ subject: _subject, ...hit }) => hit);
  }

  /**
   * Hits for several subjects, one per list entry (its best match), each naming the subject it matched (name and
   * role). Where both the subject's and the listed person's dates of birth are known, `date_of_birth_check` says
   * whether they agree on the year; a hit stays a hit either way, for a reviewer to weigh.
   */
  screenSubjects(subjects: readonly ScreeningSubject[], threshold: number): SubjectHit[] {
    const best = new Map<string, SubjectHit>();
    for (const subject of subjects) {
      for (const hit of this.screener.screen(subject.name, threshold)) {
        const prior = best.get(hit.entry_id);
        if (prior && prior.score >= hit.score) continue;
        const check =
          subject.date_of_birth && hit.dates_of_birth
            ? dateOfBirthCheck(subject.date_of_birth, hit.dates_of_birth)
            : undefined;
        best.set(hit.entry_id, {
          ...hit,
          matched_name: `${subject.name} ~ ${hit.matched_name}`,
          subject: { name: subject.name, role: subject.role },
          ...(check ? { date_of_birth_check: check } : {}),
        });
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  }

  private rebuild(): void {
    this.screener = new SanctionsScreener([...this.lists.values()].flatMap((l) => l.entries));
  }
}

/** A hit on one of an organisation's subjects: who matched (never their date of birth), and how the dates compare. */
export type SubjectHit = ScreeningHit & {
  subject: { name: string; role: SubjectRole };
  date_of_birth_check?: 'consistent' | 'differs';
};

const years = (text: string) => text.match(/\b(1[89]\d{2}|20\d{2})\b/g) ?? [];

/** Consistent when a listed date of birth names the declared year ("22 Sep 1965", "circa 1965", "1964 to 1966" as bounds). */
function dateOfBirthCheck(declared: string, listed: readonly string[]): 'consistent' | 'differs' | undefined {
  const year = Number(declared.slice(0, 4));
  const ranges = listed.map((d) => years(d).map(Number)).filter((ys) => ys.length > 0);
  if (ranges.length === 0) return undefined;
  return ranges.some((ys) => year >= Math.min(...ys) && year <= Math.max(...ys)) ? 'consistent' : 'differs';
}
