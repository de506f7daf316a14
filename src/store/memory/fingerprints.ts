// An in-memory fingerprint registry, for tests and the robustness measurement.
import { indexedSubset, type FingerprintStore, type OutputRecord, type RegisteredOutput } from '../ports.ts';

export class MemoryFingerprintStore implements FingerprintStore {
  private readonly postings = new Map<number, number[]>();
  private readonly records: OutputRecord[] = [];

  async register(outputs: RegisteredOutput[]): Promise<void> {
    for (const o of outputs) {
      const id = this.records.length + 1;
      this.records.push({
        id,
        request_id: o.request_id,
        org_id: o.org_id,
        created_at: o.created_at,
        manifest: o.manifest,
        fingerprint_count: o.fingerprints.length,
        fingerprints: Uint32Array.from(o.fingerprints),
      });
      for (const h of indexedSubset(o.fingerprints)) {
        const list = this.postings.get(h);
        if (list) list.push(id);
        else this.postings.set(h, [id]);
      }
    }
  }

  async lookup(hashes: number[]) {
    return hashes.flatMap((hash) => (this.postings.get(hash) ?? []).map((output_id) => ({ hash, output_id })));
  }

  async outputs(ids: number[]) {
    return ids.map((id) => this.records[id - 1]).filter((r): r is OutputRecord => r !== undefined);
  }

  async purge(before: string) {
    let n = 0;
    for (const r of this.records) {
      if (r.created_at < before && r.fingerprint_count > 0) {
        r.fingerprint_count = 0;
        n++;
      }
    }
    return n;
  }

  async stats() {
    return {
      outputs: this.records.length,
      fingerprints: [...this.postings.values()].reduce((s, l) => s + l.length, 0),
    };
  }
}
