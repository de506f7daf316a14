// Cross-account campaigns: organisations linked by shared client addresses and fresh, similar registrations
// are scored together, so work spread over many small accounts adds up.
import type { OrgInfo } from './record.ts';

export class UnionFind {
  private readonly parent = new Map<string, string>();

  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }

  union(a: string, b: string): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
    return true;
  }
}

/** Registered within `days` before its first request. */
export function isFresh(info: OrgInfo | undefined, firstTs: number, days = 45): boolean {
  if (!info?.registered_at) return false;
  const registered = Date.parse(info.registered_at);
  return Number.isFinite(registered) && firstTs - registered <= days * 86_400_000;
}

/** Names that share their leading word(s) once digits are removed ("Acme Data 3" / "Acme Data 7"). */
export function similarNames(a?: string, b?: string): boolean {
  if (!a || !b) return false;
  const stem = (s: string) => s.toLowerCase().replace(/\d+/g, '').split(/\s+/).filter(Boolean).slice(0, 2).join(' ');
  return stem(a) !== '' && stem(a) === stem(b);
}
