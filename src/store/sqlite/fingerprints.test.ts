// The SQLite fingerprint store: writes on its writer thread, reads on the gateway's connection.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gateway.ts';
import { openSqliteStore } from './index.ts';

const output = (i: number, createdAt: string, fingerprints: number[]) => ({
  request_id: `req_${i}`,
  org_id: 'org_a',
  created_at: createdAt,
  manifest: `manifest-${i}`,
  fingerprints: Uint32Array.from(fingerprints),
});

describe('SQLite fingerprint store', () => {
  it('writes on its thread what the gateway then reads, and purges by age', async () => {
    const store = await openSqliteStore(tempDir('conduit-fp-'));
    // More than one write transaction's worth (500), from two days.
    const outputs = Array.from({ length: 1200 }, (_, i) => ({
      request_id: `req_${i}`,
      org_id: 'org_a',
      created_at: i < 200 ? '2026-11-01T00:00:00.000Z' : '2026-11-02T00:00:00.000Z',
      manifest: `manifest-${i}`,
      fingerprints: Uint32Array.of(i * 16 + 1, i * 16 + 2, i * 16 + 3),
    }));
    await store.fingerprints.register(outputs);
    expect(await store.fingerprints.stats()).toEqual({ outputs: 1200, fingerprints: 3600 });

    const hits = await store.fingerprints.lookup([700 * 16 + 2]);
    expect(hits).toHaveLength(1);
    const [found] = await store.fingerprints.outputs([hits[0]!.output_id]);
    expect(found).toMatchObject({ request_id: 'req_700', manifest: 'manifest-700', fingerprint_count: 3 });
    expect([...found!.fingerprints]).toEqual([700 * 16 + 1, 700 * 16 + 2, 700 * 16 + 3]);

    expect(await store.fingerprints.purge('2026-11-02T00:00:00.000Z')).toBe(200);
    expect(await store.fingerprints.stats()).toEqual({ outputs: 1000, fingerprints: 3000 });
    expect(await store.fingerprints.lookup([5 * 16 + 1])).toEqual([]);
    await store.close();
  });

  it('finds outputs whether their fingerprints are still recent or moved to the hash-keyed index, and purges old ones', async () => {
    const store = await openSqliteStore(tempDir('conduit-fp-gen-'));
    // 90,000 outputs: the first four generations of 16,384 fill and move to the hash-keyed table; the rest stay recent.
    const old = '2026-10-01T00:00:00.000Z';
    const recent = '2026-11-01T00:00:00.000Z';
    const total = 90_000;
    for (let start = 0; start < total; start += 2000) {
      await store.fingerprints.register(
        Array.from({ length: Math.min(2000, total - start) }, (_, k) =>
          output(start + k, start + k < 50_000 ? old : recent, [start + k + 1_000_000]),
        ),
      );
    }
    const hits = await store.fingerprints.lookup([1_000_010, 1_070_000, 1_089_999]);
    const found = await store.fingerprints.outputs(hits.map((h) => h.output_id));
    expect(found.map((o) => o.request_id).sort()).toEqual(['req_10', 'req_70000', 'req_89999']);
    expect(await store.fingerprints.stats()).toEqual({ outputs: total, fingerprints: total });

    expect(await store.fingerprints.purge('2026-10-15T00:00:00.000Z')).toBe(50_000);
    expect(await store.fingerprints.stats()).toEqual({ outputs: 40_000, fingerprints: 40_000 });
    expect(await store.fingerprints.lookup([1_000_010, 1_049_999])).toEqual([]);
    expect(await store.fingerprints.lookup([1_050_000, 1_089_999])).toHaveLength(2);
    await store.close();
  });

  it('stores each output with its own fingerprints and manifest when a batch mixes sizes, and refuses a field that would split a line', async () => {
    const store = await openSqliteStore(tempDir('conduit-fp-mixed-'));
    const sets = [[], [7], Array.from({ length: 20 }, (_, k) => 100 + k), [5, 6]];
    await store.fingerprints.register(sets.map((set, i) => output(i, '2026-11-01T00:00:00.000Z', set)));
    const hits = await store.fingerprints.lookup([7, 100, 107, 119, 6]);
    // Only each set's eight smallest hashes are indexed: 119 is in the set, not in the index.
    expect(hits.map((h) => h.hash).sort((a, b) => a - b)).toEqual([6, 7, 100, 107]);
    const found = await store.fingerprints.outputs(hits.map((h) => h.output_id));
    const byRequest = new Map(found.map((o) => [o.request_id, o]));
    expect([...byRequest.get('req_2')!.fingerprints]).toEqual(sets[2]);
    expect(byRequest.get('req_3')).toMatchObject({ manifest: 'manifest-3', fingerprint_count: 2 });
    expect(await store.fingerprints.stats()).toEqual({ outputs: 4, fingerprints: 1 + 8 + 2 });
    await expect(
      store.fingerprints.register([{ ...output(9, '2026-11-01T00:00:00.000Z', [1]), manifest: 'a\tb' }]),
    ).rejects.toThrow(/output 0 has 5 fields, not 4/);
    expect(await store.fingerprints.stats()).toEqual({ outputs: 4, fingerprints: 11 });
    await store.close();
  });
});
